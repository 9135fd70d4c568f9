// An outside verifier: checks one of our SD-JWT VCs with @sd-jwt/sd-jwt-vc and the issuer's own
// metadata, as a verifier that knows nothing of the chain would (SD-JWT VC §3.5, JWT VC Issuer
// Metadata §3-§5; Token Status List §8 for the status). Input: {credential, issuer_base, metadata_only}.
// issuer_base is where the test's issuer listens: its `iss` (an https name) is not served in tests, so
// the issuer's https origin is mapped to it, and to nothing else.
import { digest } from '@sd-jwt/crypto-nodejs'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { run, verifyEs256 } from './es256.mjs'

const decode = (part) => JSON.parse(Buffer.from(part, 'base64url').toString())

run(async ({ credential, issuer_base }) => {
  const iss = decode(credential.split('~')[0].split('.')[1]).iss
  const locate = (uri) => (uri.startsWith(iss) ? issuer_base + uri.slice(iss.length) : uri)
  // JWT VC Issuer Metadata: at /.well-known/jwt-vc-issuer of iss, whose `issuer` must equal iss
  const metadata = await (await fetch(locate(`${iss}/.well-known/jwt-vc-issuer`))).json()
  if (metadata.issuer !== iss) throw new Error(`metadata issuer ${metadata.issuer} is not ${iss}`)
  const verifier = (data, signature) => {
    const { kid, alg } = decode(data.split('.')[0])
    const key = metadata.jwks.keys.find((k) => k.kid === kid)
    if (!key) throw new Error(`no key with kid ${kid}`)
    if (alg !== 'ES256') throw new Error(`alg ${alg}`)
    return verifyEs256(key, data, signature)
  }
  let status
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    verifier,
    statusListFetcher: async (uri) => {
      const response = await fetch(locate(uri), { headers: { Accept: 'application/statuslist+jwt' } })
      if (!response.ok) throw new Error(`status list answered ${response.status}`)
      return response.text()
    },
    statusValidator: async (value) => {
      status = value
    },
  })
  const verified = await sdjwt.verify(credential)
  const claims = await sdjwt.getClaims(credential)
  return { kid: verified.header.kid, status, vct: verified.payload.vct, claims }
})
