//! Divisions (区划): the ones shipped with kepu (`data/regions.csv`, embedded in the
//! binary), and the queries over the tree. Queries only; who may add one is app's.

use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use crate::StoreError;
use crate::entities::region;

/// The shipped divisions file.
pub const REGIONS_CSV: &str = include_str!("../../../data/regions.csv");

/// Parses the shipped file into rows.
pub fn parse(csv_text: &str) -> Result<Vec<region::Model>, StoreError> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| StoreError::Regions(e.to_string()))?;
        let field = |i: usize| record.get(i).unwrap_or_default().to_owned();
        let number = |i: usize| {
            field(i)
                .parse::<f64>()
                .map_err(|e| StoreError::Regions(format!("{}: {e}", field(0))))
        };
        let parent = field(3);
        rows.push(region::Model {
            code: field(0),
            name: field(1),
            level: field(2),
            parent_code: (!parent.is_empty()).then_some(parent),
            longitude: number(4)?,
            latitude: number(5)?,
            coordinate_source: field(6),
        });
    }
    Ok(rows)
}

/// Loads the shipped divisions into an empty `regions` table; does nothing otherwise.
pub async fn load_if_empty(db: &DatabaseConnection) -> Result<bool, StoreError> {
    if region::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    let rows = parse(REGIONS_CSV)?;
    let txn = db.begin().await?;
    for chunk in rows.chunks(500) {
        let models = chunk.iter().cloned().map(|r| region::ActiveModel {
            code: Set(r.code),
            name: Set(r.name),
            level: Set(r.level),
            parent_code: Set(r.parent_code),
            longitude: Set(r.longitude),
            latitude: Set(r.latitude),
            coordinate_source: Set(r.coordinate_source),
        });
        region::Entity::insert_many(models).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// The division with this code.
pub async fn find(db: &impl ConnectionTrait, code: &str) -> Result<Option<region::Model>, DbErr> {
    region::Entity::find_by_id(code.to_owned()).one(db).await
}

/// Every division, by code.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<region::Model>, DbErr> {
    region::Entity::find()
        .order_by_asc(region::Column::Code)
        .all(db)
        .await
}

/// The divisions directly under `parent` (the provinces when `None`), by code.
pub async fn children(
    db: &impl ConnectionTrait,
    parent: Option<&str>,
) -> Result<Vec<region::Model>, DbErr> {
    let query = match parent {
        None => region::Entity::find().filter(region::Column::ParentCode.is_null()),
        Some(code) => region::Entity::find().filter(region::Column::ParentCode.eq(code)),
    };
    query.order_by_asc(region::Column::Code).all(db).await
}

/// Inserts a division.
pub async fn add(db: &impl ConnectionTrait, row: region::Model) -> Result<region::Model, DbErr> {
    region::ActiveModel {
        code: Set(row.code),
        name: Set(row.name),
        level: Set(row.level),
        parent_code: Set(row.parent_code),
        longitude: Set(row.longitude),
        latitude: Set(row.latitude),
        coordinate_source: Set(row.coordinate_source),
    }
    .insert(db)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_parses_into_a_tree() {
        let rows = parse(REGIONS_CSV).unwrap();
        assert_eq!(rows.len(), 3348);
        let codes: std::collections::HashSet<_> = rows.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes.len(), rows.len(), "codes are unique");
        for row in &rows {
            if let Some(parent) = &row.parent_code {
                assert!(
                    codes.contains(parent.as_str()),
                    "{} has a known parent",
                    row.code
                );
            } else {
                assert_eq!(row.level, "province");
            }
        }
    }
}
