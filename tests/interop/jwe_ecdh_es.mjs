// Compact JWE with ECDH-ES (direct key agreement) and AES-GCM on Node's own crypto (RFC 7516,
// RFC 7518 §4.6: Concat KDF with the enc value as AlgorithmID), for the outside issuer's encrypted
// credential requests and responses (OpenID4VCI 1.0 §10). @openid4vc/openid4vci 0.4.6 leaves JWE
// to the caller, and no JOSE library is among the project's npm packages.
import { createCipheriv, createDecipheriv, createHash, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes } from 'node:crypto'

const KEY_BYTES = { A128GCM: 16, A256GCM: 32 }
const b64 = (bytes) => Buffer.from(bytes).toString('base64url')
const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b }
const prefixed = (bytes) => Buffer.concat([u32(bytes.length), bytes])
const publicKey = ({ kty, crv, x, y }) => createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' })

function contentKey(z, enc, apu, apv) {
  const otherInfo = Buffer.concat([prefixed(Buffer.from(enc)), prefixed(apu), prefixed(apv), u32(KEY_BYTES[enc] * 8)])
  return createHash('sha256').update(Buffer.concat([u32(1), z, otherInfo])).digest().subarray(0, KEY_BYTES[enc])
}

export function encryptEcdhEs(plaintext, recipientJwk, enc, kid) {
  if (!KEY_BYTES[enc]) throw new Error(`enc ${enc} is not supported`)
  const ephemeral = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const { kty, crv, x, y } = ephemeral.publicKey.export({ format: 'jwk' })
  const header = { alg: 'ECDH-ES', enc, epk: { kty, crv, x, y }, ...(kid ? { kid } : {}) }
  const protectedHeader = b64(JSON.stringify(header))
  const z = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: publicKey(recipientJwk) })
  const iv = randomBytes(12)
  const cipher = createCipheriv(`aes-${KEY_BYTES[enc] * 8}-gcm`, contentKey(z, enc, Buffer.alloc(0), Buffer.alloc(0)), iv)
  cipher.setAAD(Buffer.from(protectedHeader))
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return `${protectedHeader}..${b64(iv)}.${b64(ciphertext)}.${b64(cipher.getAuthTag())}`
}

export function decryptEcdhEs(compact, privateKey) {
  const [protectedHeader, encryptedKey, iv, ciphertext, tag] = compact.split('.')
  const header = JSON.parse(Buffer.from(protectedHeader, 'base64url'))
  if (header.alg !== 'ECDH-ES' || !KEY_BYTES[header.enc] || encryptedKey !== '') throw new Error('not an ECDH-ES JWE with AES-GCM')
  const z = diffieHellman({ privateKey, publicKey: publicKey(header.epk) })
  const party = (name) => Buffer.from(header[name] ?? '', 'base64url')
  const decipher = createDecipheriv(`aes-${KEY_BYTES[header.enc] * 8}-gcm`, contentKey(z, header.enc, party('apu'), party('apv')), Buffer.from(iv, 'base64url'))
  decipher.setAAD(Buffer.from(protectedHeader))
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  return { header, plaintext: Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]) }
}
