"""Pure mapping functions: one record of one system into the shape of the other. No I/O."""
