"""One serializer per media type; `negotiation` picks one from the Accept header."""
