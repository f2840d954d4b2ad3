//! Generated data: the demo school for development and synthetic schools at any scale for
//! benchmarks. Both share one school generator, so the demo is a small synthetic school plus
//! the demo sign-ins.

pub mod calendar;
pub mod content;
pub mod demo;
pub mod names;
pub mod rows;
pub mod school;
pub mod synthetic;
