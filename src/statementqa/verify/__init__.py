"""What a user is shown is checked in code: ``quotes`` (a quote is the exact stored span; the gate every
citation passes on both answer paths) and ``grounding`` (a generated claim is backed by the quotes it cites)."""
