//! A small vocabulary for portable table definitions: the conventions every Dnevnik table
//! follows (a `bigint` id, named foreign keys with an index each, enum columns guarded by a
//! CHECK, UTC timestamps) written once, so that a migration reads like the data model.
//!
//! Everything here produces sea-query statements that run unchanged on SQLite and PostgreSQL.
//! Migrations freeze what they create: change a convention here only for new migrations.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema;

/// How a referencing row reacts when the referenced row is deleted.
#[derive(Clone, Copy, Debug)]
pub enum OnDelete {
    /// The referencing row is part of the referenced one and goes with it.
    Cascade,
    /// The reference is optional and is cleared.
    SetNull,
    /// The referenced row cannot be deleted while it is referenced.
    Restrict,
}

impl From<OnDelete> for ForeignKeyAction {
    fn from(value: OnDelete) -> Self {
        match value {
            OnDelete::Cascade => ForeignKeyAction::Cascade,
            OnDelete::SetNull => ForeignKeyAction::SetNull,
            OnDelete::Restrict => ForeignKeyAction::Restrict,
        }
    }
}

/// A table under construction, together with the indexes that belong to it.
#[derive(Debug)]
pub struct TableDef {
    name: &'static str,
    create: TableCreateStatement,
    indexes: Vec<IndexCreateStatement>,
}

impl TableDef {
    /// A table with a `bigint` auto-increment `id` primary key.
    pub fn new(name: &'static str) -> Self {
        let mut create = Table::create();
        create.table(name).col(schema::big_pk_auto("id"));
        Self {
            name,
            create,
            indexes: Vec::new(),
        }
    }

    /// A table whose primary key is made of the given columns (which must be added separately).
    pub fn with_composite_key(name: &'static str, key: &[&'static str]) -> Self {
        let mut create = Table::create();
        create.table(name);
        let mut pk = Index::create();
        pk.name(format!("pk_{name}"));
        for column in key {
            pk.col(*column);
        }
        create.primary_key(&mut pk);
        Self {
            name,
            create,
            indexes: Vec::new(),
        }
    }

    /// Adds a plain column.
    pub fn col(mut self, column: impl IntoColumnDef) -> Self {
        self.create.col(column);
        self
    }

    /// Adds a `bigint` reference column, its named foreign key and an index on it.
    pub fn reference(
        mut self,
        column: &'static str,
        target: &'static str,
        nullable: bool,
        on_delete: OnDelete,
    ) -> Self {
        let def = if nullable {
            schema::big_integer_null(column)
        } else {
            schema::big_integer(column)
        };
        self.create.col(def);
        self.create.foreign_key(
            ForeignKey::create()
                .name(format!("fk_{}_{}", self.name, column))
                .from(self.name, column)
                .to(target, "id")
                .on_delete(on_delete.into())
                .on_update(ForeignKeyAction::Cascade),
        );
        self.index(&[column])
    }

    /// `school_id`: every table that belongs to one school carries it (the partitioning key).
    pub fn school(self) -> Self {
        self.reference("school_id", "schools", false, OnDelete::Cascade)
    }

    /// A text column restricted to the given values by a CHECK constraint.
    pub fn enumeration(mut self, column: &'static str, values: &[&str], nullable: bool) -> Self {
        let def = if nullable {
            schema::string_len_null(column, 32)
        } else {
            schema::string_len(column, 32)
        };
        self.create.col(def);
        let allowed = values.iter().map(|v| Expr::val(*v));
        let check = Expr::col(column).is_in(allowed);
        let check = if nullable {
            Expr::col(column).is_null().or(check)
        } else {
            check
        };
        self.create
            .check(Check::named(format!("ck_{}_{}", self.name, column), check));
        self
    }

    /// A table-level CHECK constraint.
    pub fn check(mut self, name: &str, expr: SimpleExpr) -> Self {
        self.create
            .check(Check::named(format!("ck_{}_{}", self.name, name), expr));
        self
    }

    /// The nullable `external_id` of imported entities; unique within the school.
    pub fn external_id(self) -> Self {
        self.col(schema::string_len_null("external_id", 64))
            .unique(&["school_id", "external_id"])
    }

    /// `created_at` and `updated_at`, always written by the application in UTC.
    pub fn timestamps(self) -> Self {
        self.col(schema::timestamp_with_time_zone("created_at"))
            .col(schema::timestamp_with_time_zone("updated_at"))
    }

    /// A non-unique index over the columns.
    pub fn index(mut self, columns: &[&'static str]) -> Self {
        let name = format!("idx_{}_{}", self.name, columns.join("_"));
        assert!(name.len() <= 63, "index name too long: {name}");
        let mut index = Index::create();
        index.name(name).table(self.name);
        for column in columns {
            index.col(*column);
        }
        self.indexes.push(index);
        self
    }

    /// A unique index over the columns.
    pub fn unique(self, columns: &[&'static str]) -> Self {
        let name = format!("uq_{}_{}", self.name, columns.join("_"));
        self.unique_named(&name, columns)
    }

    /// A unique index with an explicit name, for column lists whose generated name would pass
    /// PostgreSQL's 63-character limit (it would be cut silently).
    pub fn unique_named(mut self, name: &str, columns: &[&'static str]) -> Self {
        assert!(name.len() <= 63, "index name too long: {name}");
        let mut index = Index::create();
        index.name(name).table(self.name).unique();
        for column in columns {
            index.col(*column);
        }
        self.indexes.push(index);
        self
    }

    /// Creates the table, then its indexes.
    pub async fn create(self, manager: &SchemaManager<'_>) -> Result<(), DbErr> {
        manager.create_table(self.create).await?;
        for index in self.indexes {
            manager.create_index(index).await?;
        }
        Ok(())
    }
}

/// Drops the tables in the order given (dependents first).
pub async fn drop_all(manager: &SchemaManager<'_>, tables: &[&'static str]) -> Result<(), DbErr> {
    for table in tables {
        manager
            .drop_table(Table::drop().table(*table).if_exists().to_owned())
            .await?;
    }
    Ok(())
}

/// `column BETWEEN low AND high`.
pub fn between(column: &'static str, low: i64, high: i64) -> SimpleExpr {
    Expr::col(column).between(low, high)
}
