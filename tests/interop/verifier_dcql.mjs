// An outside verifier asking our wallet for several credentials with DCQL (OpenID4VP 1.0 §6) and
// judging the answer: @openid4vc/openid4vp builds the request (client id prefix redirect_uri:,
// direct_post, transaction_data) and checks the response and its transaction data hashes (§8.4,
// §B.3.3); npm `dcql` validates the query and decides whether the presentations satisfy it
// (credential sets, claim sets, values); @sd-jwt/sd-jwt-vc verifies each presentation with key binding.
// create: {query, response_uri, transaction_data} -> {request_uri, request}
// validate: {request, form, issuer_jwk, status_list_jwt} -> {satisfied, claims: {query id: [disclosed claims]}, transaction_data}
import { createOpenid4vpAuthorizationRequest, Openid4vpVerifier, validateOpenid4vpAuthorizationResponsePayload } from '@openid4vc/openid4vp'
import { setGlobalConfig } from '@openid4vc/utils'
import { digest } from '@sd-jwt/crypto-nodejs'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { DcqlPresentationResult, DcqlQuery } from 'dcql'
import { json64, random, run, sha256, verifyEs256 } from './es256.mjs'

setGlobalConfig({ allowInsecureUrls: true }) // the test's response endpoint is http://127.0.0.1

const ENVELOPE = new Set(['iss', 'iat', 'exp', 'nbf', 'vct', 'vct#integrity', 'cnf', 'status', 'anchor', '_sd_alg'])

async function create({ query, response_uri, transaction_data }) {
  DcqlQuery.validate(DcqlQuery.parse(query))
  const payload = {
    response_type: 'vp_token',
    response_mode: 'direct_post',
    client_id: `redirect_uri:${response_uri}`,
    response_uri,
    nonce: Buffer.from(random(16)).toString('base64url'),
    state: Buffer.from(random(16)).toString('base64url'),
    dcql_query: query,
    client_metadata: { vp_formats_supported: { 'dc+sd-jwt': { 'sd-jwt_alg_values': ['ES256'], 'kb-jwt_alg_values': ['ES256'] } } },
    ...(transaction_data ? { transaction_data: transaction_data.map(json64) } : {}),
  }
  const made = await createOpenid4vpAuthorizationRequest({ authorizationRequestPayload: payload, callbacks: {} })
  return { request_uri: made.authorizationRequest, request: made.authorizationRequestPayload }
}

async function validate({ request, form, issuer_jwk, status_list_jwt }) {
  const response = { vp_token: JSON.parse(form.vp_token), state: form.state }
  const validated = validateOpenid4vpAuthorizationResponsePayload({ authorizationRequestPayload: request, authorizationResponsePayload: response })
  const query = DcqlQuery.parse(request.dcql_query)
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    verifier: (data, signature) => verifyEs256(issuer_jwk, data, signature),
    kbVerifier: (data, signature, payload) => verifyEs256(payload.cnf.jwk, data, signature),
    statusListFetcher: async () => status_list_jwt, // the issuer's list, signed by the same key
  })
  const presented = {}
  const claims = {}
  const kbs = {}
  for (const [id, presentations] of Object.entries(validated.dcql.presentations)) {
    presented[id] = []
    claims[id] = []
    kbs[id] = []
    for (const presentation of presentations) {
      const verified = await sdjwt.verify(presentation, { keyBindingNonce: request.nonce, requiredClaimKeys: [] })
      if (verified.kb.payload.aud !== request.client_id) throw new Error(`KB-JWT aud ${verified.kb.payload.aud}`)
      const personal = Object.fromEntries(Object.entries(verified.payload).filter(([k]) => !ENVELOPE.has(k)))
      presented[id].push({ credential_format: 'dc+sd-jwt', vct: verified.payload.vct, claims: verified.payload, cryptographic_holder_binding: true })
      claims[id].push(personal)
      kbs[id].push(verified.kb.payload)
    }
  }
  const result = DcqlPresentationResult.fromDcqlPresentation(presented, { dcqlQuery: query })
  let transaction = []
  if (request.transaction_data) {
    const verifier = new Openid4vpVerifier({ callbacks: { hash: (data) => sha256(data) } })
    transaction = await verifier.verifyTransactionData({ transactionData: request.transaction_data, credentials: kbs })
  }
  return {
    satisfied: result.can_be_satisfied,
    claims,
    transaction_data: transaction.map((entry) => ({ credential_id: entry.credentialId, type: entry.transactionDataEntry.transactionData.type })),
  }
}

run(async (input) => (input.action === 'create' ? create(input) : validate(input)))
