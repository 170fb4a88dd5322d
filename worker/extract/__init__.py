"""Pure enrichment steps: text or parsed HTML in, a value plus where it came from out."""
