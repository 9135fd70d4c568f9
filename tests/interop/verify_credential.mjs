// An outside verifier: checks one of our SD-JWT VCs with @sd-jwt/sd-jwt-vc and the issuer's own
// metadata, as a verifier that knows nothing of the chain would (SD-JWT VC §3.5, JWT VC Issuer
// Metadata §3-§5; Token Status List §8 for the status). Input: {credential, issuer_base, x5c_anchor}.
// issuer_base is where the test's issuer listens: its `iss` (an https name) is not served in tests, so
// the issuer's https origin is mapped to it, and to nothing else.
import { digest } from '@sd-jwt/crypto-nodejs'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { createHash, X509Certificate } from 'node:crypto'
import { run, verifyEs256 } from './es256.mjs'

const decode = (part) => JSON.parse(Buffer.from(part, 'base64url').toString())

function keyFromX5c(x5c, anchorPem) {
  if (!Array.isArray(x5c) || x5c.length === 0) throw new Error('the credential has no x5c header')
  const chain = x5c.map((der) => new X509Certificate(Buffer.from(der, 'base64')))
  const anchor = new X509Certificate(anchorPem)
  const now = new Date()
  for (const [i, certificate] of chain.entries()) {
    const issuer = chain[i + 1] ?? anchor
    if (!certificate.checkIssued(issuer) || !certificate.verify(issuer.publicKey)) {
      throw new Error(`x5c certificate ${i} is not issued by the next one or the anchor`)
    }
    if (new Date(certificate.validFrom) > now || new Date(certificate.validTo) < now) {
      throw new Error(`x5c certificate ${i} is not valid now`)
    }
  }
  return chain[0].publicKey.export({ format: 'jwk' })
}

run(async ({ credential, issuer_base, x5c_anchor }) => {
  const iss = decode(credential.split('~')[0].split('.')[1]).iss
  const locate = (uri) => (uri.startsWith(iss) ? issuer_base + uri.slice(iss.length) : uri)
  // JWT VC Issuer Metadata: at /.well-known/jwt-vc-issuer of iss, whose `issuer` must equal iss
  const metadata = await (await fetch(locate(`${iss}/.well-known/jwt-vc-issuer`))).json()
  if (metadata.issuer !== iss) throw new Error(`metadata issuer ${metadata.issuer} is not ${iss}`)
  // with x5c_anchor, trust comes from the credential's x5c chain (HAIP; RFC 7515 §4.1.6) ending at
  // that anchor, as an X.509-trusting verifier would do it; otherwise from the issuer metadata's jwks
  const x5cKey = x5c_anchor ? keyFromX5c(decode(credential.split('.')[0]).x5c, x5c_anchor) : undefined
  const verifier = (data, signature) => {
    const { kid, alg } = decode(data.split('.')[0])
    if (alg !== 'ES256') throw new Error(`alg ${alg}`)
    const key = x5cKey ?? metadata.jwks.keys.find((k) => k.kid === kid)
    if (!key) throw new Error(`no key with kid ${kid}`)
    return verifyEs256(key, data, signature)
  }
  let status
  let integrityChecked = false
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
    // the vct URL resolves to the type metadata (SD-JWT VC "Type Metadata": retrieved by GET on it)
    loadTypeMetadataFormat: true,
    vctFetcher: async (uri, integrity) => {
      const response = await fetch(locate(uri))
      if (!response.ok) throw new Error(`type metadata answered ${response.status}`)
      const bytes = Buffer.from(await response.arrayBuffer())
      // SD-JWT VC "Document Integrity" takes W3C Subresource Integrity metadata: sha256-<base64>.
      // @sd-jwt/sd-jwt-vc 0.19.0's own check (validateIntegrity) compares a hex digest instead, so it
      // would refuse every spec-conformant value; the spec is followed here.
      const [alg, expected] = integrity.split('-')
      if (alg !== 'sha256') throw new Error(`integrity alg ${alg}`)
      const actual = createHash('sha256').update(bytes).digest('base64')
      if (actual !== expected) throw new Error(`vct#integrity mismatch: ${actual} != ${expected}`)
      integrityChecked = true
      return JSON.parse(bytes.toString())
    },
  })
  const verified = await sdjwt.verify(credential)
  const claims = await sdjwt.getClaims(credential)
  const typeMetadata = verified.typeMetadata?.mergedTypeMetadata
  return { kid: verified.header.kid, status, vct: verified.payload.vct, claims, integrityChecked, typeMetadata }
})
