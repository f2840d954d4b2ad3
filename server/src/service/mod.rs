//! What happens: the domain operations, one module per domain. Each write runs in one
//! transaction and writes its audit event in the same transaction. GraphQL resolvers and
//! back-office handlers call these; only these (and the loaders) touch the database.

pub mod applications;
pub mod audit;
pub mod calendar_days;
pub mod codes;
pub mod communication;
pub mod diary;
pub mod forum;
pub mod guardianships;
pub mod journal;
pub mod marks;
pub mod messaging;
pub mod nodes;
pub mod notifications;
pub mod pages;
pub mod progress;
pub mod publishing;
pub mod rate_limit;
pub mod records;
pub mod refusal_reasons;
pub mod roster;
pub mod structure;
pub mod watch;
pub mod writer;
