"""What staff do, as keyword-only functions over a database session: the JSON API (issuer/routes/)
and the staff console (issuer/web/) both call these, so both apply the same rules and refusals."""
