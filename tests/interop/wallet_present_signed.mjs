// An outside wallet answering a HAIP-style signed request with @openid4vc/openid4vp (OpenID4VP 1.0):
// it resolves the request by reference (request_uri, GET or POST §5.10; RFC 9101), checks the request
// object's x5c chain against the trust anchor it was given and the client id prefix (x509_hash or
// x509_san_dns, §5.9.3), then answers with response mode direct_post.jwt (§8.3), the JWE made by
// `jose` (ECDH-ES on P-256, A128GCM or A256GCM). The presentation is made with @sd-jwt/sd-jwt-vc.
//
// Input: {link | (client_id, request), anchor_pem, fetch: 'library' | 'wallet_nonce', enc,
//         action: 'present' | 'tamper' | 'wrong_key' | 'tamper_then_present', credential, holder_private_jwk}
// `fetch: 'wallet_nonce'` posts wallet_metadata and wallet_nonce itself as §5.10 says (the library's own
// POST sends the metadata's members as form fields and no nonce) and hands the library the object it got,
// which then checks its wallet_nonce (the `expectedNonce` wallet option).
// Output: {client_id, response_mode, wallet_nonce, answers: [{status, body}]}, or ok: false with the error.
import { X509Certificate, verify } from 'node:crypto'
import { Openid4vpClient } from '@openid4vc/openid4vp'
import { setGlobalConfig } from '@openid4vc/utils'
import { digest, ES256 } from '@sd-jwt/crypto-nodejs'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { CompactEncrypt, importJWK } from 'jose'
import { b64url, p256KeyPair, random, run, sha256 } from './es256.mjs'

setGlobalConfig({ allowInsecureUrls: true }) // the verifier under test listens on http://127.0.0.1

const WALLET_METADATA = {
  issuer: 'https://self-issued.me/v2',
  vp_formats_supported: { 'dc+sd-jwt': { 'sd-jwt_alg_values': ['ES256'], 'kb-jwt_alg_values': ['ES256'] } },
  request_object_signing_alg_values_supported: ['ES256'],
  authorization_encryption_alg_values_supported: ['ECDH-ES'],
  authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
}

// the chain must lead to the anchor, every certificate in its validity period, and the JWS must verify
// with the leaf's key (§5.9.3: "The Wallet MUST validate the signature and the trust chain")
function verifyX5c(anchorPem) {
  const anchor = new X509Certificate(anchorPem)
  return async (signer, { compact }) => {
    if (signer.method !== 'x5c' || signer.alg !== 'ES256') return { verified: false }
    const chain = signer.x5c.map((der) => new X509Certificate(Buffer.from(der, 'base64')))
    const now = Date.now()
    for (const [i, cert] of chain.entries()) {
      const issuer = chain[i + 1] ?? anchor
      if (!cert.verify(issuer.publicKey)) return { verified: false }
      if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) return { verified: false }
    }
    const [head, payload, signature] = compact.split('.')
    const key = chain[0].publicKey
    const verified = verify('sha256', Buffer.from(`${head}.${payload}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))
    return { verified, signerJwk: key.export({ format: 'jwk' }) }
  }
}

function certificateNames(der) {
  const names = (new X509Certificate(Buffer.from(der, 'base64')).subjectAltName ?? '').split(', ')
  const of = (kind) => names.filter((n) => n.startsWith(kind)).map((n) => n.slice(kind.length))
  return { sanDnsNames: of('DNS:'), sanUriNames: of('URI:') }
}

async function encryptJwe(encryptor, data) {
  const key = await importJWK(encryptor.publicJwk, 'ECDH-ES')
  const header = { alg: encryptor.alg, enc: encryptor.enc }
  if (encryptor.publicJwk.kid) header.kid = encryptor.publicJwk.kid // §8.3: the chosen key's kid
  const parameters = {}
  if (encryptor.apu) parameters.apu = Buffer.from(encryptor.apu, 'base64url')
  if (encryptor.apv) parameters.apv = Buffer.from(encryptor.apv, 'base64url')
  const jwe = await new CompactEncrypt(new TextEncoder().encode(data))
    .setProtectedHeader(header)
    .setKeyManagementParameters(parameters)
    .encrypt(key)
  return { jwe, encryptionJwk: encryptor.publicJwk }
}

async function requestWithWalletNonce(link, nonce) {
  const params = new URL(link).searchParams
  const answer = await fetch(params.get('request_uri'), {
    method: 'POST',
    headers: { Accept: 'application/oauth-authz-req+jwt', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ wallet_metadata: JSON.stringify(WALLET_METADATA), wallet_nonce: nonce }),
  })
  if (!answer.ok) throw new Error(`request_uri answered ${answer.status}`)
  return { client_id: params.get('client_id'), request: await answer.text() }
}

async function presentation(request, resolved, credential, holderPrivateJwk) {
  const query = resolved.dcql.query.credentials[0]
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    kbSigner: await ES256.getSigner(holderPrivateJwk),
    kbSignAlg: 'ES256',
    saltGenerator: (n) => b64url(random(n)),
  })
  const frame = Object.fromEntries(query.claims.map((c) => [c.path[0], true]))
  const presented = await sdjwt.present(credential, frame, {
    kb: { payload: { aud: request.client_id, nonce: request.nonce, iat: Math.floor(Date.now() / 1000) } },
  })
  return { [query.id]: [presented] }
}

function tampered(jwe) {
  const parts = jwe.split('.')
  const ciphertext = Buffer.from(parts[3], 'base64url')
  ciphertext[0] ^= 1
  parts[3] = b64url(ciphertext)
  return parts.join('.')
}

run(async ({ link, client_id, request: byValue, anchor_pem, fetch: how, enc, action, credential, holder_private_jwk }) => {
  const client = new Openid4vpClient({
    callbacks: {
      hash: (data) => sha256(data),
      generateRandom: (n) => random(n),
      verifyJwt: verifyX5c(anchor_pem),
      getX509CertificateMetadata: certificateNames,
      encryptJwe,
    },
  })
  const walletNonce = how === 'wallet_nonce' ? b64url(random(16)) : undefined
  let payload
  if (byValue) payload = { client_id, request: byValue }
  else if (walletNonce) payload = await requestWithWalletNonce(link, walletNonce)
  else payload = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: link }).params
  const resolved = await client.resolveOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: payload,
    wallet: walletNonce ? { expectedNonce: walletNonce } : { metadata: WALLET_METADATA },
  })
  const request = resolved.authorizationRequestPayload
  const vpToken = await presentation(request, resolved, credential, holder_private_jwk)
  const jarm = { encryption: {}, serverMetadata: { authorization_encryption_alg_values_supported: ['ECDH-ES'], authorization_encryption_enc_values_supported: [enc] } }
  if (action === 'wrong_key') {
    const { publicKey } = p256KeyPair() // not a generated KeyObject exported: es256.mjs says why
    const ours = request.client_metadata.jwks.keys[0]
    jarm.encryption = { jwk: { ...publicKey.export({ format: 'jwk' }), kid: ours.kid, alg: 'ECDH-ES', use: 'enc' } }
  }
  const created = await client.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: { vp_token: vpToken },
    jarm,
  })
  const send = async (responseJwt) => {
    const submitted = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload: request,
      authorizationResponsePayload: created.authorizationResponsePayload,
      jarm: { responseJwt },
    })
    return { status: submitted.response.status, body: await submitted.response.json() }
  }
  const answers = []
  if (action === 'tamper' || action === 'tamper_then_present') answers.push(await send(tampered(created.jarm.responseJwt)))
  if (action !== 'tamper') answers.push(await send(created.jarm.responseJwt))
  return {
    client_id: request.client_id,
    response_mode: request.response_mode,
    wallet_nonce: request.wallet_nonce ?? null,
    client_prefix: resolved.client.prefix,
    answers,
  }
})
