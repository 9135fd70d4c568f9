// An outside issuer built on @openid4vc/openid4vci and @openid4vc/oauth2 (metadata, offer, nonce
// and credential responses, key proof, access token and DPoP verification by the library), with its
// endpoints at paths no wallet would guess and its token endpoint on a separate authorization server
// identifier. Input (argv JSON):
//   nonce, tx_code: bool;
//   batch: N (advertise batch_credential_issuance.batch_size N, issue one credential per key proof),
//     wrong_count: bool (answer one credential more than proofs sent);
//   encryption: 'required' (credential response encryption required, requests encrypted to the
//     issuer's key, OpenID4VCI 1.0 §10) or 'unsupported' (required, with an alg the wallet lacks);
//   dpop: 'required' (RFC 9449 with server nonces at both endpoints) or 'loop' (a new nonce demanded
//     on every try);
//   by_reference: bool (the offer is served at a credential_offer_uri, §4.1.3);
//   deferred: bool (the credential endpoint answers 202 with a transaction_id, §9).
// Prints one line {ok, base, offer_uri, tx_code}, then serves until killed; every request it saw is
// at GET /seen.
import { createServer } from 'node:http'
import { Oauth2AuthorizationServer, Oauth2ResourceServer } from '@openid4vc/oauth2'
import { Openid4vciIssuer, Openid4vciVersion, setGlobalConfig } from '@openid4vc/openid4vci'
import { newKey, p256KeyPair, random, sha256, signJws, verifyEs256, b64url } from './es256.mjs'
import { CompactEncrypt, compactDecrypt, exportJWK, importJWK } from 'jose'
import { DISPLAY, CLAIM_LABELS } from './outside_display.mjs'

setGlobalConfig({ allowInsecureUrls: true }) // it listens on http://127.0.0.1
const options = JSON.parse(process.argv[2] ?? '{}')
const issuerKey = newKey()
// requests are encrypted to this key, responses to the wallet's; JWE by `jose` (ECDH-ES, AES-GCM)
const requestKey = p256KeyPair()
const callbacks = {
  hash: (data) => sha256(data),
  generateRandom: (n) => random(n),
  verifyJwt: async (signer, { compact }) => {
    const [h, p, s] = compact.split('.')
    return { verified: verifyEs256(signer.publicJwk, `${h}.${p}`, s), signerJwk: signer.publicJwk }
  },
  signJwt: async (signer, { header, payload }) => ({ jwt: signJws(issuerKey.privateKey, header, payload), signerJwk: issuerKey.publicJwk }),
}
const seen = []
const codes = { pre: b64url(random(16)), tx: options.tx_code ? '4711' : undefined }
const tokens = new Set()
const nonces = new Set()
const pending = new Map() // transaction_id -> credentials (deferred issuance)
const dpopNonces = { token: new Set(), resource: new Set() } // each server its own (RFC 9449 §8, §9)

class Refusal extends Error {
  constructor(status, body, headers = {}) { super(body.error); Object.assign(this, { status, body, headers }) }
}

const server = createServer(async (request, response) => {
  let body = ''
  for await (const chunk of request) body += chunk
  const path = new URL(request.url, base).pathname
  seen.push({ path, method: request.method, body, headers: { dpop: request.headers.dpop ?? null, authorization: request.headers.authorization ?? null, 'content-type': request.headers['content-type'] ?? null } })
  const answer = (status, value, headers = {}) => {
    const jwt = typeof value === 'string'
    response.writeHead(status, { 'Content-Type': jwt ? 'application/jwt' : 'application/json', ...headers })
    response.end(value === undefined ? '' : jwt ? value : JSON.stringify(value))
  }
  try {
    const route = routes[`${request.method} ${path}`]
    if (!route) return answer(404, { error: 'not_found' })
    const [status, value, headers] = await route(body, request)
    answer(status, value, headers)
  } catch (error) {
    if (error instanceof Refusal) return answer(error.status, error.body, error.headers)
    answer(400, { error: 'invalid_request', error_description: String(error?.message ?? error) })
  }
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${server.address().port}`
const authorizationServer = new Oauth2AuthorizationServer({ callbacks })
const resourceServer = new Oauth2ResourceServer({ callbacks })
const issuer = new Openid4vciIssuer({ callbacks })
const asMetadata = authorizationServer.createAuthorizationServerMetadata({
  issuer: `${base}/oauth`,
  token_endpoint: `${base}/oauth/get-token`,
  jwks_uri: `${base}/oauth/jwks`, // where the resource server finds the access token signing key
  'pre-authorized_grant_anonymous_access_supported': true,
  ...(options.dpop ? { dpop_signing_alg_values_supported: ['ES256'] } : {}),
})
const { kty, crv, x, y } = await exportJWK(requestKey.publicKey)
const encryptionMetadata = options.encryption ? {
  credential_response_encryption: {
    alg_values_supported: options.encryption === 'unsupported' ? ['RSA-OAEP-256'] : ['ECDH-ES'],
    enc_values_supported: ['A256GCM'],
    encryption_required: true,
  },
  // OpenID4VCI 1.0 §8.2: a request that asks for an encrypted response is itself encrypted, to a key
  // from here; the library's 0.4.6 metadata schema does not know this member (it is kept: .loose())
  credential_request_encryption: {
    jwks: { keys: [{ kty, crv, x, y, alg: 'ECDH-ES', use: 'enc', kid: 'request-key-1' }] },
    enc_values_supported: ['A256GCM'],
    encryption_required: true,
  },
} : {}
const credentialIssuer = issuer.createCredentialIssuerMetadata({
  credential_issuer: base,
  authorization_servers: [`${base}/oauth`],
  credential_endpoint: `${base}/v1/issue-credential`,
  ...(options.nonce ? { nonce_endpoint: `${base}/v1/fresh-nonce` } : {}),
  notification_endpoint: `${base}/v1/told`,
  ...(options.deferred ? { deferred_credential_endpoint: `${base}/v1/collect-later` } : {}),
  ...(options.batch ? { batch_credential_issuance: { batch_size: options.batch } } : {}),
  ...encryptionMetadata,
  display: [{ name: 'Other NGO', locale: 'en' }],
  credential_configurations_supported: {
    'other-id': {
      format: 'dc+sd-jwt',
      vct: `${base}/types/other-id`,
      cryptographic_binding_methods_supported: ['jwk'],
      credential_signing_alg_values_supported: ['ES256'],
      proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['ES256'] } },
      credential_metadata: { display: DISPLAY, claims: CLAIM_LABELS },
    },
  },
})
const issuerMetadata = {
  originalDraftVersion: Openid4vciVersion.V1,
  credentialIssuer,
  authorizationServers: [asMetadata],
  knownCredentialConfigurations: issuer.getKnownCredentialConfigurationsSupported(credentialIssuer),
}
const grant = { 'pre-authorized_code': codes.pre, ...(codes.tx ? { tx_code: { input_mode: 'numeric', length: 4 } } : {}) }
const { credentialOffer, credentialOfferObject } = await issuer.createCredentialOffer({
  issuerMetadata,
  credentialConfigurationIds: ['other-id'],
  grants: { 'urn:ietf:params:oauth:grant-type:pre-authorized_code': grant },
  ...(options.by_reference ? { credentialOfferUri: `${base}/offers/one` } : {}),
})

// RFC 9449 §8, §9: a proof without a nonce this server gave is answered with a fresh one
function dpopNonceChallenge(dpopJwt, resource) {
  const nonce = JSON.parse(Buffer.from(dpopJwt.split('.')[1], 'base64url')).nonce
  const given = dpopNonces[resource ? 'resource' : 'token']
  if (options.dpop !== 'loop' && given.has(nonce)) return
  const fresh = b64url(random(16))
  given.add(fresh)
  const headers = { 'DPoP-Nonce': fresh, ...(resource ? { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"' } : {}) }
  throw new Refusal(resource ? 401 : 400, { error: 'use_dpop_nonce' }, headers)
}

function requestLike(request) {
  return { method: request.method, url: `${base}${request.url}`, headers: new Headers(Object.entries(request.headers)) }
}

async function accessCheck(request) {
  if (!options.dpop) {
    if (!tokens.has((request.headers.authorization ?? '').replace(/^Bearer /, ''))) throw new Refusal(401, { error: 'invalid_token' })
    return
  }
  await resourceServer.verifyResourceRequest({ request: requestLike(request), resourceServer: base, authorizationServers: [asMetadata] })
    .catch((error) => { throw new Refusal(401, { error: 'invalid_token', error_description: String(error.message).slice(0, 200) }) })
  if (!(request.headers.authorization ?? '').startsWith('DPoP ')) throw new Refusal(401, { error: 'invalid_token' })
  dpopNonceChallenge(request.headers.dpop, true)
}

async function requestBody(body, request) {
  const encrypted = request.headers['content-type'] === 'application/jwt'
  if (options.encryption && !encrypted) throw new Refusal(400, { error: 'invalid_encryption_parameters', error_description: 'the request must be encrypted' })
  const unverified = JSON.parse(encrypted ? new TextDecoder().decode((await compactDecrypt(body, requestKey.privateKey)).plaintext) : body)
  const asked = unverified.credential_response_encryption
  if (asked && asked.alg === undefined && asked.jwk?.alg) {
    // OpenID4VCI 1.0 §8.2 carries the JWE alg in the jwk ({jwk, enc, zip}); the library's 0.4.6
    // (deferred) credential request schema still requires the drafts' separate `alg`, so it is copied
    return { ...unverified, credential_response_encryption: { ...asked, alg: asked.jwk.alg } }
  }
  return unverified
}

async function credentialRequestOf(body, request) {
  return issuer.parseCredentialRequest({ issuerMetadata, credentialRequest: await requestBody(body, request) })
}

// §10: the (deferred) credential response as a JWE to the key the request carried, when asked for
async function sealedReply(status, credentialResponse, credentialRequest) {
  if (!options.encryption) return [status, credentialResponse]
  const encryption = credentialRequest.credential_response_encryption
  if (!encryption?.jwk) return [400, { error: 'invalid_encryption_parameters' }]
  const sealed = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(credentialResponse)))
    .setProtectedHeader({ alg: 'ECDH-ES', enc: encryption.enc })
    .encrypt(await importJWK(encryption.jwk, 'ECDH-ES'))
  return [status, sealed]
}

const routes = {
  'GET /seen': async () => [200, seen],
  'GET /.well-known/openid-credential-issuer': async () => [200, credentialIssuer],
  'GET /.well-known/oauth-authorization-server/oauth': async () => [200, asMetadata],
  'GET /offers/one': async () => [200, credentialOfferObject],
  'GET /oauth/jwks': async () => [200, { keys: [{ ...issuerKey.publicJwk, kid: 'token-key', alg: 'ES256' }] }],
  'POST /oauth/get-token': async (body, request) => {
    const form = Object.fromEntries(new URLSearchParams(body))
    if (form['pre-authorized_code'] !== codes.pre) return [400, { error: 'invalid_grant' }]
    if ((codes.tx === undefined) !== (form.tx_code === undefined)) return [400, { error: 'invalid_request', error_description: 'tx_code sent without being asked, or missing' }]
    if (codes.tx !== undefined && form.tx_code !== codes.tx) return [400, { error: 'invalid_grant' }]
    let dpop
    if (options.dpop) {
      const parsed = authorizationServer.parseAccessTokenRequest({ request: requestLike(request), accessTokenRequest: form })
      if (!parsed.dpop?.jwt) return [400, { error: 'invalid_dpop_proof', error_description: 'DPoP is required' }]
      dpopNonceChallenge(parsed.dpop.jwt, false)
      const verified = await authorizationServer.verifyPreAuthorizedCodeAccessTokenRequest({
        authorizationServerMetadata: asMetadata,
        grant: parsed.grant,
        accessTokenRequest: parsed.accessTokenRequest,
        request: requestLike(request),
        expectedPreAuthorizedCode: codes.pre,
        expectedTxCode: codes.tx,
        dpop: { required: true, jwt: parsed.dpop.jwt, allowedSigningAlgs: ['ES256'] },
      })
      dpop = { jwk: verified.dpop.jwk }
    }
    const token = await authorizationServer.createAccessTokenResponse({
      authorizationServer: `${base}/oauth`,
      audience: base,
      expiresInSeconds: 300,
      subject: 'holder',
      signer: options.dpop ? { method: 'jwk', alg: 'ES256', publicJwk: { ...issuerKey.publicJwk, kid: 'token-key' }, kid: 'token-key' } : { method: 'jwk', alg: 'ES256', publicJwk: issuerKey.publicJwk },
      ...(dpop ? { dpop } : {}),
    })
    const tokenResponse = token.accessTokenResponse ?? token
    tokens.add(tokenResponse.access_token)
    return [200, tokenResponse]
  },
  'POST /v1/fresh-nonce': async () => {
    const cNonce = b64url(random(16))
    nonces.add(cNonce)
    return [200, issuer.createNonceResponse({ cNonce })]
  },
  'POST /v1/issue-credential': async (body, request) => {
    await accessCheck(request)
    const parsed = await credentialRequestOf(body, request)
    const proofs = parsed.proofs?.jwt ?? []
    if (proofs.length > (options.batch ?? 1)) return [400, { error: 'invalid_proof', error_description: 'more proofs than batch_size' }]
    const unverifiedNonce = JSON.parse(Buffer.from(proofs[0].split('.')[1], 'base64url')).nonce
    if (options.nonce && !nonces.delete(unverifiedNonce)) return [400, { error: 'invalid_nonce' }]
    const credentials = []
    for (const jwt of proofs) {
      const { signer } = await issuer.verifyCredentialRequestJwtProof({ issuerMetadata, jwt, expectedNonce: options.nonce ? unverifiedNonce : undefined })
      credentials.push({ credential: issue(signer.publicJwk) })
    }
    if (options.wrong_count) credentials.push({ credential: issue(newKey().publicJwk) })
    if (options.deferred) { // §9: not ready yet; collected at the deferred endpoint
      const transactionId = b64url(random(12))
      pending.set(transactionId, credentials)
      const made = issuer.createCredentialResponse({ transactionId, interval: 1, credentialRequest: parsed })
      return sealedReply(202, made.credentialResponse ?? made, parsed.credentialRequest)
    }
    const made = issuer.createCredentialResponse({ credentials, credentialRequest: parsed, notificationId: 'note-1' })
    return sealedReply(200, made.credentialResponse ?? made, parsed.credentialRequest)
  },
  'POST /v1/collect-later': async (body, request) => {
    await accessCheck(request)
    const unverified = await requestBody(body, request)
    const { deferredCredentialRequest } = issuer.parseDeferredCredentialRequest({ deferredCredentialRequest: unverified })
    const credentials = pending.get(deferredCredentialRequest.transaction_id)
    if (!credentials) return [400, { error: 'invalid_transaction_id' }]
    pending.delete(deferredCredentialRequest.transaction_id)
    // OpenID4VCI 1.0 §9.2 lets a deferred response that carries credentials carry a notification_id
    // (it is the transaction_id answer that must not); 0.4.6's zDeferredCredentialResponse refuses it
    // exactly when credentials are present (`notification_id && credentials`), so it is added after
    const made = { ...issuer.createDeferredCredentialResponse({ credentials }), notification_id: 'note-1' }
    return sealedReply(200, made, deferredCredentialRequest)
  },
  'POST /v1/told': async (body, request) => {
    await accessCheck(request)
    return [204, undefined]
  },
}

function issue(holderJwk) {
  return `${signJws(issuerKey.privateKey, { alg: 'ES256', typ: 'dc+sd-jwt' }, {
    iss: base, iat: Math.floor(Date.now() / 1000), vct: `${base}/types/other-id`, cnf: { jwk: holderJwk }, given_name: 'Amina',
  })}~`
}

console.log(JSON.stringify({ ok: true, base, offer_uri: credentialOffer, tx_code: codes.tx ?? null }))
