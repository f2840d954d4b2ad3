//! Admin UI.
