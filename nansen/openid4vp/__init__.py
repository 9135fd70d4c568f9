"""OpenID4VP 1.0 for SD-JWT VC: DCQL queries, unsigned by-value requests (redirect_uri client
identifier prefix, response_mode direct_post) and vp_token responses."""
