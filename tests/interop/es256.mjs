// ES256 keys and JWT signing on Node's own crypto, for the outside wallet and verifier scripts.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto'

export const b64url = (bytes) => Buffer.from(bytes).toString('base64url')
export const json64 = (value) => b64url(Buffer.from(JSON.stringify(value)))

export function newKey() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
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
