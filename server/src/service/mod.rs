//! What happens: the domain operations, one module per domain. Each write runs in one
//! transaction and writes its audit event in the same transaction. GraphQL resolvers and
//! back-office handlers call these; only these (and the loaders) touch the database.

pub mod audit;
pub mod communication;
pub mod diary;
pub mod marks;
pub mod progress;
pub mod records;
pub mod structure;
