// An outside issuer built on @openid4vc/openid4vci and @openid4vc/oauth2 (metadata, offer, nonce
// and credential responses, key proof verification by the library), with its endpoints at paths
// no wallet would guess and its token endpoint on a separate authorization server identifier.
// Input (argv JSON): {nonce: bool, tx_code: bool}. Prints one line {ok, base, offer_uri, tx_code},
// then serves until killed; every request it saw is at GET /seen.
import { createServer } from 'node:http'
import { Oauth2AuthorizationServer } from '@openid4vc/oauth2'
import { Openid4vciIssuer, Openid4vciVersion, setGlobalConfig } from '@openid4vc/openid4vci'
import { json64, newKey, random, sha256, signJws, verifyEs256, b64url } from './es256.mjs'

setGlobalConfig({ allowInsecureUrls: true }) // it listens on http://127.0.0.1
const options = JSON.parse(process.argv[2] ?? '{}')
const issuerKey = newKey()
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

const server = createServer(async (request, response) => {
  let body = ''
  for await (const chunk of request) body += chunk
  const path = new URL(request.url, base).pathname
  seen.push({ path, method: request.method, body })
  const answer = (status, value) => {
    response.writeHead(status, { 'Content-Type': 'application/json' })
    response.end(value === undefined ? '' : JSON.stringify(value))
  }
  try {
    const route = routes[`${request.method} ${path}`]
    if (!route) return answer(404, { error: 'not_found' })
    const [status, value] = await route(body, request)
    answer(status, value)
  } catch (error) {
    answer(400, { error: 'invalid_request', error_description: String(error?.message ?? error) })
  }
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const base = `http://127.0.0.1:${server.address().port}`
const authorizationServer = new Oauth2AuthorizationServer({ callbacks })
const issuer = new Openid4vciIssuer({ callbacks })
const asMetadata = authorizationServer.createAuthorizationServerMetadata({
  issuer: `${base}/oauth`,
  token_endpoint: `${base}/oauth/get-token`,
  'pre-authorized_grant_anonymous_access_supported': true,
})
const credentialIssuer = issuer.createCredentialIssuerMetadata({
  credential_issuer: base,
  authorization_servers: [`${base}/oauth`],
  credential_endpoint: `${base}/v1/issue-credential`,
  ...(options.nonce ? { nonce_endpoint: `${base}/v1/fresh-nonce` } : {}),
  notification_endpoint: `${base}/v1/told`,
  display: [{ name: 'Other NGO', locale: 'en' }],
  credential_configurations_supported: {
    'other-id': {
      format: 'dc+sd-jwt',
      vct: `${base}/types/other-id`,
      cryptographic_binding_methods_supported: ['jwk'],
      credential_signing_alg_values_supported: ['ES256'],
      proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['ES256'] } },
      credential_metadata: { display: [{ name: 'Other ID', locale: 'en' }], claims: [{ path: ['given_name'], display: [{ name: 'Given name', locale: 'en' }] }] },
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
const { credentialOffer } = await issuer.createCredentialOffer({
  issuerMetadata,
  credentialConfigurationIds: ['other-id'],
  grants: { 'urn:ietf:params:oauth:grant-type:pre-authorized_code': grant },
})

const routes = {
  'GET /seen': async () => [200, seen],
  'GET /.well-known/openid-credential-issuer': async () => [200, credentialIssuer],
  'GET /.well-known/oauth-authorization-server/oauth': async () => [200, asMetadata],
  'POST /oauth/get-token': async (body) => {
    const form = Object.fromEntries(new URLSearchParams(body))
    if (form['pre-authorized_code'] !== codes.pre) return [400, { error: 'invalid_grant' }]
    if ((codes.tx === undefined) !== (form.tx_code === undefined)) return [400, { error: 'invalid_request', error_description: 'tx_code sent without being asked, or missing' }]
    if (codes.tx !== undefined && form.tx_code !== codes.tx) return [400, { error: 'invalid_grant' }]
    const token = await authorizationServer.createAccessTokenResponse({
      authorizationServer: `${base}/oauth`,
      audience: base,
      expiresInSeconds: 300,
      subject: 'holder',
      signer: { method: 'jwk', alg: 'ES256', publicJwk: issuerKey.publicJwk },
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
    if (!tokens.has((request.headers.authorization ?? '').replace(/^Bearer /, ''))) return [401, { error: 'invalid_token' }]
    const parsed = issuer.parseCredentialRequest({ issuerMetadata, credentialRequest: JSON.parse(body) })
    const jwt = parsed.proofs?.jwt?.[0]
    const unverifiedNonce = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url')).nonce
    if (options.nonce && !nonces.delete(unverifiedNonce)) return [400, { error: 'invalid_nonce' }]
    const { signer } = await issuer.verifyCredentialRequestJwtProof({
      issuerMetadata,
      jwt,
      expectedNonce: options.nonce ? unverifiedNonce : undefined,
    })
    const credential = `${signJws(issuerKey.privateKey, { alg: 'ES256', typ: 'dc+sd-jwt' }, {
      iss: base, iat: Math.floor(Date.now() / 1000), vct: `${base}/types/other-id`, cnf: { jwk: signer.publicJwk }, given_name: 'Amina',
    })}~`
    const made = issuer.createCredentialResponse({ credentials: [{ credential }], credentialRequest: parsed, notificationId: 'note-1' })
    return [200, made.credentialResponse ?? made]
  },
  'POST /v1/told': async () => [204, undefined],
}

console.log(JSON.stringify({ ok: true, base, offer_uri: credentialOffer, tx_code: codes.tx ?? null }))
