"""The sync engine: one module per stream (products, customers, orders) and the runner that
holds the lock, the run record and the bookmarks."""
