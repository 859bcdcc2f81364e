//! Jurisdiction in queries: the conditions "within an area this actor governs" and "within
//! this division", over any table with `province_code`, `city_code` and `county_code`.

use domain::region::RegionPath;
use store::sea_orm::sea_query::{Expr, ExprTrait};
use store::sea_orm::{ColumnTrait, Condition};

use crate::Actor;

/// The condition "lies within one of the areas this actor governs", applied in queries
/// over any table with `province_code`, `city_code` and `county_code` columns.
pub fn scope_condition<C: ColumnTrait>(
    actor: &Actor,
    province: C,
    city: C,
    county: C,
) -> Condition {
    use domain::region::RegionLevel;
    let mut any = Condition::any();
    for grant in &actor.grants {
        match grant.role.governs() {
            Some(None) => return Condition::all(),
            Some(Some(RegionLevel::Province)) => {
                any = any.add(province.eq(grant.region_code.clone()))
            }
            Some(Some(RegionLevel::City)) => any = any.add(city.eq(grant.region_code.clone())),
            Some(Some(RegionLevel::County)) => any = any.add(county.eq(grant.region_code.clone())),
            None => {}
        }
    }
    if any.is_empty() {
        // Someone who governs nowhere sees nothing.
        return Condition::all().add(Expr::val(1).eq(0));
    }
    any
}

/// The condition "lies within the division at `path`" (the whole country when empty), over
/// a table's `province_code`, `city_code` and `county_code` columns.
pub fn area_condition<C: ColumnTrait>(
    path: &RegionPath,
    province: C,
    city: C,
    county: C,
) -> Condition {
    match (&path.county, &path.city, &path.province) {
        (Some(c), _, _) => Condition::all().add(county.eq(c.clone())),
        (None, Some(c), _) => Condition::all().add(city.eq(c.clone())),
        (None, None, Some(c)) => Condition::all().add(province.eq(c.clone())),
        (None, None, None) => Condition::all(),
    }
}
