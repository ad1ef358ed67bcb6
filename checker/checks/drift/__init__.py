"""The drift family: PSI and the two-sample KS test, reference against current."""
