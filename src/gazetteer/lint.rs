//! Lints gazetteers. TODO(helper): implement.
