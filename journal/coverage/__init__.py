"""Coverage pages on the network: fetching, metadata and readable text, snapshots, link health. No Qt."""
