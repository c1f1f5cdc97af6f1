"""Building blocks shared by the features: inline messages, the tag field, the table model base."""
