"""The holder's CLI wallet (`nansen-wallet`): receive, keep and present credentials."""
