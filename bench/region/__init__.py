"""A region-scale registry on anvil: 200 NGOs, 20,000 anchored batches of 500 credentials, 5 % of
them revoked or suspended, yearly key rotations over five years; generated once and cached."""
