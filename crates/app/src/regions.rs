//! Divisions: listing the tree, resolving a code's place in it, and adding a division.

use domain::FieldErrors;
use domain::region::{self, NATIONAL, RegionLevel, RegionPath};
use serde::{Deserialize, Serialize};
use store::entities::region as entity;
use store::sea_orm::{ConnectionTrait, TransactionTrait};

use crate::{Actor, App, AppError};

/// A division as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegionView {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// `province`, `city` or `county`.
    pub level: String,
    /// Parent code; null for a province.
    pub parent_code: Option<String>,
}

impl From<entity::Model> for RegionView {
    fn from(r: entity::Model) -> Self {
        RegionView {
            code: r.code,
            name: r.name,
            level: r.level,
            parent_code: r.parent_code,
        }
    }
}

/// A division a national administrator adds.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRegion {
    /// Six-digit code, unused so far.
    pub code: Option<String>,
    /// Official name.
    pub name: Option<String>,
    /// Parent code; absent for a province.
    pub parent_code: Option<String>,
    /// Must match the parent's child level when given.
    pub level: Option<String>,
    /// Longitude (WGS-84); the parent's when absent.
    pub longitude: Option<f64>,
    /// Latitude.
    pub latitude: Option<f64>,
}

/// A division found by code, with its place in the tree.
#[derive(Debug, Clone)]
pub struct Located {
    /// The division's level (`None`: the whole country).
    pub level: Option<RegionLevel>,
    /// Its path.
    pub path: RegionPath,
    /// Its representative point.
    pub point: Option<(f64, f64)>,
}

/// Resolves a code to its place in the tree; `None` when no such division exists.
/// `000000` is the whole country.
pub async fn locate(db: &impl ConnectionTrait, code: &str) -> Result<Option<Located>, AppError> {
    if code == NATIONAL {
        return Ok(Some(Located {
            level: None,
            path: RegionPath::default(),
            point: None,
        }));
    }
    let Some(first) = store::regions::find(db, code).await? else {
        return Ok(None);
    };
    let level = RegionLevel::parse(&first.level).map_err(AppError::internal)?;
    let point = Some((first.longitude, first.latitude));
    let mut chain = vec![(first.code.clone(), level)];
    let mut parent = first.parent_code.clone();
    // Three levels at most; the bound guards against a cycle an operator might introduce.
    for _ in 0..4 {
        let Some(code) = parent else { break };
        let Some(row) = store::regions::find(db, &code).await? else {
            break;
        };
        chain.push((
            row.code.clone(),
            RegionLevel::parse(&row.level).map_err(AppError::internal)?,
        ));
        parent = row.parent_code;
    }
    Ok(Some(Located {
        level: Some(level),
        path: RegionPath::from_chain(&chain),
        point,
    }))
}

impl App {
    /// The divisions directly under `parent` (the provinces when absent or `000000`).
    pub async fn regions_under(&self, parent: Option<&str>) -> Result<Vec<RegionView>, AppError> {
        let parent = match parent.filter(|p| *p != NATIONAL) {
            None => None,
            Some(raw) => {
                let code = region::parse_code(raw).map_err(AppError::Malformed)?;
                if store::regions::find(&self.db, &code).await?.is_none() {
                    return Err(AppError::NotFound("未找到该区划".to_owned()));
                }
                Some(code)
            }
        };
        let rows = store::regions::children(&self.db, parent.as_deref()).await?;
        Ok(rows.into_iter().map(RegionView::from).collect())
    }

    /// The name of a division (`全国` for `000000`; empty when unknown).
    pub async fn region_name(&self, code: &str) -> Result<String, AppError> {
        if code == NATIONAL {
            return Ok("全国".to_owned());
        }
        Ok(store::regions::find(&self.db, code)
            .await?
            .map_or_else(String::new, |r| r.name))
    }

    /// Resolves a code given by a user for field `field`: 422 when malformed or unknown.
    pub async fn locate_for(&self, field: &str, raw: &str) -> Result<(String, Located), String> {
        let code = region::parse_code(raw)?;
        match locate(&self.db, &code).await {
            Ok(Some(found)) => Ok((code, found)),
            Ok(None) => Err("所选地区不存在".to_owned()),
            Err(e) => {
                tracing::error!(field, error = %e, "region lookup failed");
                Err("暂时无法核对地区，请稍后再试".to_owned())
            }
        }
    }

    /// Adds a division (national administrators only). Its level follows its parent's.
    pub async fn add_region(
        &self,
        actor: &Actor,
        input: NewRegion,
    ) -> Result<RegionView, AppError> {
        actor.require_national_admin()?;
        let mut errors = FieldErrors::new();
        let code = errors.take(
            "code",
            region::parse_code(input.code.as_deref().unwrap_or_default()),
        );
        let name = errors.take(
            "name",
            domain::text::bounded(input.name.as_deref().unwrap_or_default(), "区划名称", 2, 50),
        );
        let parent = match input.parent_code.as_deref() {
            None => None,
            Some(raw) => errors.take("parent_code", self.locate_for("parent_code", raw).await),
        };
        let level = match &parent {
            None => Some(RegionLevel::Province),
            Some((_, p)) => p.level.and_then(RegionLevel::child),
        };
        if level.is_none() {
            errors.add("parent_code", "县级区划下不能再添加区划");
        }
        if let (Some(given), Some(level)) = (input.level.as_deref(), level)
            && RegionLevel::parse(given) != Ok(level)
        {
            errors.add(
                "level",
                format!("按上级区划，该区划的级别应为 {}", level.as_str()),
            );
        }
        for (field, value, range) in [
            ("longitude", input.longitude, 73.0..=136.0),
            ("latitude", input.latitude, 3.0..=54.0),
        ] {
            if value.is_some_and(|v| !range.contains(&v)) {
                errors.add(field, "坐标不在中国范围内");
            }
        }
        errors.into_result()?;
        let (Some(code), Some(name), Some(level)) = (code, name, level) else {
            return Err(AppError::internal("validated input incomplete"));
        };
        if store::regions::find(&self.db, &code).await?.is_some() {
            return Err(AppError::conflict(format!("区划代码 {code} 已存在")));
        }
        let parent_point = parent
            .as_ref()
            .and_then(|(_, p)| p.point)
            .unwrap_or((116.407394, 39.904211));
        let given = input.longitude.zip(input.latitude);
        let (longitude, latitude) = given.unwrap_or(parent_point);
        let txn = self.db.begin().await?;
        let row = store::regions::add(
            &txn,
            entity::Model {
                code,
                name,
                level: level.as_str().to_owned(),
                parent_code: parent.map(|(code, _)| code),
                longitude,
                latitude,
                coordinate_source: if given.is_some() { "admin" } else { "parent" }.to_owned(),
            },
        )
        .await
        .map_err(AppError::conflict_if_unique("区划代码已存在"))?;
        crate::audit::record(
            &txn,
            self.clock.now(),
            Some(actor),
            crate::audit::Event::ok(
                "region.add",
                "region",
                &row.code,
                &RegionPath::default(),
                serde_json::json!({"name": row.name}),
            ),
        )
        .await?;
        txn.commit().await?;
        self.forget_reference();
        Ok(row.into())
    }
}
