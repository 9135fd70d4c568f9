// An outside verifier built on @openid4vc/openid4vp (Openid4vpVerifier), HAIP style: signed request
// objects (RFC 9101, typ oauth-authz-req+jwt, x5c header) by reference, fetched with GET or with POST
// (OpenID4VP 1.0 §5.10: the wallet_nonce the wallet posts is put in the signed object), client id
// prefixes x509_san_dns: and x509_hash: (§5.9.3), responses in direct_post.jwt (§8.3: ECDH-ES to the
// key in client_metadata.jwks) decrypted and checked by the library, presentations checked with
// @sd-jwt/sd-jwt-vc (issuer signature, key binding with nonce and aud, disclosed claims).
// Input (argv JSON): {issuer_jwk, status_list: {uri, token}}. Prints one line {ok, base}; then serves until killed:
//   POST /requests {client_id, signer: {private_jwk, x5c}, method, claims, vct, enc_values?,
//                   vp_formats?, forge?, redirect?}            -> {id, link}
//   GET|POST /request/<id>   the signed request object        POST /response/<id>  the wallet's answer
//   GET /outcome/<id>        what the verifier made of it     GET /seen            every request seen
// The JWE decryption below is this script's own (node:crypto), so the wallet's JWE is checked by an
// implementation other than the one that made it.
import { createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto'
import { createServer } from 'node:http'
import { Openid4vpVerifier, verifyJarmAuthorizationResponse } from '@openid4vc/openid4vp'
import { setGlobalConfig } from '@openid4vc/utils'
import { digest } from '@sd-jwt/crypto-nodejs'
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc'
import { b64url, newKey, p256KeyPair, random, sha256, signJws, verifyEs256 } from './es256.mjs'

setGlobalConfig({ allowInsecureUrls: true }) // it listens on http://127.0.0.1
const { issuer_jwk: issuerJwk, status_list: statusList } = JSON.parse(process.argv[2] ?? '{}')
const decode = (part) => JSON.parse(Buffer.from(part, 'base64url').toString())

// ECDH-ES direct key agreement with the Concat KDF (RFC 7518 §4.6.2), then AES-GCM (RFC 7518 §5.3)
function decryptEcdhEs(compact, privateJwk) {
  const [head, encryptedKey, iv, ciphertext, tag] = compact.split('.')
  const header = decode(head)
  if (header.alg !== 'ECDH-ES' || encryptedKey !== '') throw new Error(`JWE alg ${header.alg}`)
  const bits = { A128GCM: 128, A256GCM: 256 }[header.enc]
  if (!bits) throw new Error(`JWE enc ${header.enc}`)
  const z = diffieHellman({
    privateKey: createPrivateKey({ key: privateJwk, format: 'jwk' }),
    publicKey: createPublicKey({ key: header.epk, format: 'jwk' }),
  })
  const u32 = (n) => { const b = Buffer.alloc(4); b.writeUInt32BE(n); return b }
  const lengthPrefixed = (bytes) => Buffer.concat([u32(bytes.length), bytes])
  const info = Buffer.concat([
    u32(header.enc.length), Buffer.from(header.enc),
    lengthPrefixed(Buffer.from(header.apu ?? '', 'base64url')),
    lengthPrefixed(Buffer.from(header.apv ?? '', 'base64url')),
    u32(bits),
  ])
  const key = createHash('sha256').update(Buffer.concat([u32(1), z, info])).digest().subarray(0, bits / 8)
  const decipher = createDecipheriv(`aes-${bits}-gcm`, key, Buffer.from(iv, 'base64url'))
  decipher.setAAD(Buffer.from(head, 'ascii'))
  decipher.setAuthTag(Buffer.from(tag, 'base64url'))
  return { header, payload: Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString() }
}

const requests = new Map()
const seen = []
const callbacks = {
  hash: (data) => sha256(data),
  generateRandom: (n) => random(n),
  signJwt: async (signer, { header, payload }) => {
    const request = requests.get(payload.state ?? payload.nonce)
    // forge: signed by a key that is not the certificate's, with the certificate still in x5c
    const key = request.forge ? newKey().privateKey : createPrivateKey({ key: request.signer.private_jwk, format: 'jwk' })
    return { jwt: signJws(key, header, payload), signerJwk: request.encryption.publicJwk }
  },
  decryptJwe: async (jwe, options) => {
    const request = [...requests.values()].find((r) => r.encryption.publicJwk.kid === decode(jwe.split('.')[0]).kid)
    if (!request || (options?.jwk && options.jwk.kid !== request.encryption.publicJwk.kid)) return { decrypted: false }
    const { payload } = decryptEcdhEs(jwe, request.encryption.privateJwk)
    return { decrypted: true, payload, decryptionJwk: request.encryption.publicJwk }
  },
}
const verifier = new Openid4vpVerifier({ callbacks })

function encryptionKey(id) {
  const { privateKey } = p256KeyPair() // not generateKeyPairSync's own KeyObject: es256.mjs says why
  const privateJwk = privateKey.export({ format: 'jwk' })
  const { d, ...rest } = privateJwk
  return { privateJwk, publicJwk: { ...rest, kid: `enc-${id}`, use: 'enc', alg: 'ECDH-ES' } }
}

async function requestObject(request, walletNonce) {
  const payload = { ...request.payload, ...(walletNonce ? { wallet_nonce: walletNonce } : {}) }
  const made = await verifier.createOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: payload,
    jar: {
      requestUri: `${base}/request/${request.id}`,
      jwtSigner: { method: 'x5c', alg: 'ES256', x5c: request.signer.x5c },
      expiresInSeconds: 300,
    },
    wallet: walletNonce ? { expectedNonce: walletNonce } : undefined,
  })
  return { jwt: made.jar.authorizationRequestJwt, link: made.authorizationRequest }
}

async function checkPresentation(request, presentation) {
  const sdjwt = new SDJwtVcInstance({
    hasher: digest,
    verifier: (data, signature) => verifyEs256(issuerJwk, data, signature),
    kbVerifier: (data, signature, payload) => verifyEs256(payload.cnf.jwk, data, signature),
    // the issuer's status list token, handed over by the test (its https uri is not served in tests)
    statusListFetcher: async (uri) => {
      if (uri !== statusList.uri) throw new Error(`unknown status list ${uri}`)
      return statusList.token
    },
  })
  const verified = await sdjwt.verify(presentation, { requiredClaimKeys: request.claims, keyBindingNonce: request.payload.nonce })
  const kb = verified.kb?.payload
  if (kb?.aud !== request.payload.client_id) throw new Error(`KB-JWT aud ${kb?.aud} is not the client_id`)
  const claims = await sdjwt.getClaims(presentation)
  return Object.fromEntries(request.claims.map((name) => [name, claims[name]]))
}

async function answerResponse(request, body) {
  const params = Object.fromEntries(new URLSearchParams(body))
  if (params.error) return { error: params.error, encrypted: false }
  if (!params.response) return { error: 'not_encrypted', encrypted: false }
  const opened = decryptEcdhEs(params.response, request.encryption.privateJwk)
  const inside = JSON.parse(opened.payload)
  if (inside.error) {
    // an error response has no vp_token for the library's response parser; its JARM check still applies
    const jarm = await verifyJarmAuthorizationResponse({
      jarmAuthorizationResponseJwt: params.response, callbacks, expectedClientId: request.payload.client_id,
      authorizationRequestPayload: request.payload,
    })
    return { error: jarm.jarmAuthorizationResponse.error, encrypted: true, header: opened.header }
  }
  const parsed = await verifier.parseOpenid4vpAuthorizationResponse({
    authorizationResponse: params, authorizationRequestPayload: request.payload, callbacks,
  })
  const [queryId] = Object.keys(parsed.dcql.presentations)
  const [presentation] = parsed.dcql.presentations[queryId]
  return { verified: true, encrypted: true, header: opened.header, claims: await checkPresentation(request, presentation) }
}

const routes = {
  'POST /requests': async (body) => {
    const options = JSON.parse(body)
    const id = b64url(random(8))
    const encryption = encryptionKey(id)
    const request = {
      id, signer: options.signer, forge: options.forge, claims: options.claims, encryption, redirect: options.redirect,
      payload: {
        response_type: 'vp_token',
        client_id: options.client_id,
        response_mode: 'direct_post.jwt',
        response_uri: `${base}/response/${id}`,
        nonce: b64url(random(16)),
        ...(options.state === false ? {} : { state: id }),
        dcql_query: {
          credentials: [{
            id: 'identity', format: 'dc+sd-jwt', meta: { vct_values: [options.vct] },
            claims: options.claims.map((name) => ({ path: [name] })),
          }],
        },
        client_metadata: {
          jwks: { keys: [encryption.publicJwk] },
          ...(options.enc_values ? { encrypted_response_enc_values_supported: options.enc_values } : {}),
          vp_formats_supported: options.vp_formats ?? { 'dc+sd-jwt': { 'sd-jwt_alg_values': ['ES256'], 'kb-jwt_alg_values': ['ES256'] } },
        },
      },
    }
    requests.set(request.payload.state ?? request.payload.nonce, request)
    requests.set(id, request)
    const { link } = await requestObject(request)
    const method = options.method === 'post' ? '&request_uri_method=post' : ''
    return [200, { id, link: link + method }]
  },
  'GET /request': async (_body, request) => [200, (await requestObject(request)).jwt, 'application/oauth-authz-req+jwt'],
  'POST /request': async (body, request) => {
    const walletNonce = new URLSearchParams(body).get('wallet_nonce')
    request.walletMetadata = JSON.parse(new URLSearchParams(body).get('wallet_metadata') ?? 'null')
    return [200, (await requestObject(request, walletNonce)).jwt, 'application/oauth-authz-req+jwt']
  },
  'POST /response': async (body, request) => {
    try {
      request.outcome = await answerResponse(request, body)
    } catch (error) {
      request.outcome = { refused: String(error?.message ?? error) }
      return [400, { error: 'invalid_request' }]
    }
    return [200, request.redirect ? { redirect_uri: `${base}/done#response_code=${b64url(random(16))}` } : {}]
  },
  'GET /outcome': async (_body, request) => [200, { outcome: request.outcome ?? null, wallet_metadata: request.walletMetadata ?? null }],
}

const server = createServer(async (incoming, response) => {
  let body = ''
  for await (const chunk of incoming) body += chunk
  const [, first, id] = new URL(incoming.url, base).pathname.split('/')
  seen.push({ method: incoming.method, path: `/${first}`, id })
  const reply = (status, value, type = 'application/json') => {
    response.writeHead(status, { 'Content-Type': type })
    response.end(typeof value === 'string' ? value : JSON.stringify(value))
  }
  if (incoming.method === 'GET' && first === 'seen') return reply(200, seen.filter((s) => s.path !== '/seen'))
  const route = routes[`${incoming.method} /${first}`]
  const request = id === undefined ? undefined : requests.get(id)
  if (!route || (id !== undefined && !request)) return reply(404, { error: 'not_found' })
  try {
    reply(...(await route(body, request)))
  } catch (error) {
    reply(500, { error: 'server_error', error_description: String(error?.message ?? error) })
  }
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
// the name the certificates carry (x509_san_dns:localhost); the response URI's host must be it (§5.9.3)
const base = `http://localhost:${server.address().port}`
console.log(JSON.stringify({ ok: true, base }))
