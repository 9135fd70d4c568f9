// ES256 keys and JWT signing on Node's own crypto, for the outside wallet and verifier scripts.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto'

export const b64url = (bytes) => Buffer.from(bytes).toString('base64url')
export const json64 = (value) => b64url(Buffer.from(JSON.stringify(value)))

// A P-256 key pair made from DER, never the generated KeyObject itself: Node 20.20 can hang for good
// when the garbage collector frees a key generation job while that job's key is being exported
// (seen: ExportJWK -> GC -> ~KeyGenJob -> uv_mutex_lock, the main thread waiting on itself).
export function p256KeyPair() {
  const der = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    publicKeyEncoding: { type: 'spki', format: 'der' },
  })
  return {
    privateKey: createPrivateKey({ key: der.privateKey, format: 'der', type: 'pkcs8' }),
    publicKey: createPublicKey({ key: der.publicKey, format: 'der', type: 'spki' }),
  }
}

export function newKey() {
  const { privateKey } = p256KeyPair()
  const jwk = privateKey.export({ format: 'jwk' })
  const { d, ...publicJwk } = jwk
  return { privateKey, publicJwk }
}

export function signJws(privateKey, header, payload) {
  const input = `${json64(header)}.${json64(payload)}`
  const signature = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' })
  return `${input}.${b64url(signature)}`
}

export function verifyEs256(publicJwk, data, signature) {
  const key = createPublicKey({ key: publicJwk, format: 'jwk' })
  return verify('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))
}

export const sha256 = (data) => new Uint8Array(createHash('sha256').update(data).digest())
export const random = (n) => new Uint8Array(randomBytes(n))

// what the scripts print: one JSON object on stdout; failures become {ok: false, error}
export async function run(main) {
  const input = JSON.parse(process.argv[2] ?? '{}')
  try {
    console.log(JSON.stringify({ ok: true, ...(await main(input)) }))
  } catch (error) {
    console.log(JSON.stringify({ ok: false, error: String(error?.message ?? error), name: error?.constructor?.name, details: error?.errorResponse ?? error?.response?.body }))
  }
}
export { createPrivateKey }
