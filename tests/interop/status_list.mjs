// An outside status list consumer: fetches our Token Status List token as a caching client would
// (HTTP validators, gzip) and reads it with @sd-jwt/jwt-status-list (draft-ietf-oauth-status-list
// §5.1 token, §4 list encoding, §8.3 ttl/exp; RFC 9110 §8.8, §13.1.2 for ETag/If-None-Match).
// Input: {url, index}. Output: {status, iat, exp, ttl, etag, cache_control, content_encoding, revalidated}.
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list'
import { run } from './es256.mjs'

run(async ({ url, index }) => {
  // Node's fetch asks for gzip and inflates; the header still says what came over the wire
  const response = await fetch(url, { headers: { Accept: 'application/statuslist+jwt', 'Accept-Encoding': 'gzip' } })
  if (!response.ok) throw new Error(`status list answered ${response.status}`)
  const token = await response.text()
  const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())
  const list = getListFromStatusListJWT(token)
  const etag = response.headers.get('etag')
  const again = await fetch(url, { headers: { 'If-None-Match': etag } })
  return {
    status: list.getStatus(index),
    bits: list.getBitsPerStatus(),
    iat: payload.iat,
    exp: payload.exp,
    ttl: payload.ttl,
    sub: payload.sub,
    content_type: response.headers.get('content-type'),
    etag,
    cache_control: response.headers.get('cache-control'),
    content_encoding: response.headers.get('content-encoding'),
    revalidated: again.status,
  }
})
