//! Judges and assignment for the video contest (DESIGN.md §8, "Judges and assignment"): who
//! conflicts with an entry, and the automatic assignment — accepted entries in submission
//! order, each given `judges_per_entry` eligible judges, the least loaded first with a
//! reproducible hash tie-break, existing assignments kept, shortfalls reported. Pure.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use crate::contest::ConflictRegion;

/// A judge on the panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Judge {
    /// The panel entry's id.
    pub id: i64,
    /// The judge's account.
    pub user_id: i64,
    /// Their organisation.
    pub org_id: i64,
    /// The organisation's parent, if any.
    pub org_parent: Option<i64>,
    /// Their region (six digits).
    pub region_code: String,
}

/// The parties of an entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parties {
    /// The entry.
    pub entry: i64,
    /// Who submitted it.
    pub entrant_user_id: i64,
    /// The recommending unit and every producing unit.
    pub orgs: BTreeSet<i64>,
    /// Their parents (so that a judge from a party's parent conflicts).
    pub org_parents: BTreeSet<i64>,
    /// The entry's region (the unit's, or the self-nominator's).
    pub region_code: String,
}

/// Why a judge must stand aside from an entry, if they must (the reason as the admin is
/// told it).
pub fn conflict(judge: &Judge, parties: &Parties, level: ConflictRegion) -> Option<String> {
    if judge.user_id == parties.entrant_user_id {
        return Some("评审专家是该作品的报送人，须回避".to_owned());
    }
    let party = parties.orgs.contains(&judge.org_id)
        || parties.org_parents.contains(&judge.org_id)
        || judge.org_parent.is_some_and(|p| parties.orgs.contains(&p));
    if party {
        return Some("评审专家与作品报送单位存在利益关系，须回避".to_owned());
    }
    let digits = match level {
        ConflictRegion::None => return None,
        ConflictRegion::County => 6,
        ConflictRegion::City => 4,
        ConflictRegion::Province => 2,
    };
    let same = judge.region_code.len() == 6
        && parties.region_code.len() == 6
        && judge.region_code.get(..digits) == parties.region_code.get(..digits);
    same.then(|| "评审专家与作品来自同一地区，须回避".to_owned())
}

/// An existing or new assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Assignment {
    /// The panel entry's id.
    pub judge: i64,
    /// The entry.
    pub entry: i64,
}

/// An entry that got fewer judges than asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    /// The entry.
    pub entry: i64,
    /// Judges still needed.
    pub needed: usize,
    /// Eligible judges there were.
    pub eligible: usize,
}

fn tie_break(contest: i64, judge: i64, entry: i64) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(format!("{contest}:{judge}:{entry}").as_bytes());
    h.finalize().into()
}

/// The new assignments that give each of `entries` (accepted, in submission order)
/// `per_entry` eligible judges, keeping `existing` (recused ones count as neither held nor
/// eligible again); and the shortfalls.
pub fn assign(
    contest: i64,
    judges: &[Judge],
    entries: &[Parties],
    existing: &[Assignment],
    recused: &[Assignment],
    per_entry: usize,
    level: ConflictRegion,
) -> (Vec<Assignment>, Vec<Shortfall>) {
    let mut load: BTreeMap<i64, usize> = judges.iter().map(|j| (j.id, 0)).collect();
    for a in existing {
        *load.entry(a.judge).or_default() += 1;
    }
    let held: BTreeSet<Assignment> = existing.iter().chain(recused).copied().collect();
    let mut new = Vec::new();
    let mut short = Vec::new();
    for parties in entries {
        let have = existing.iter().filter(|a| a.entry == parties.entry).count();
        if have >= per_entry {
            continue;
        }
        let mut eligible: Vec<&Judge> = judges
            .iter()
            .filter(|j| {
                !held.contains(&Assignment {
                    judge: j.id,
                    entry: parties.entry,
                }) && conflict(j, parties, level).is_none()
            })
            .collect();
        eligible.sort_by(|a, b| {
            load.get(&a.id).cmp(&load.get(&b.id)).then_with(|| {
                tie_break(contest, a.id, parties.entry).cmp(&tie_break(
                    contest,
                    b.id,
                    parties.entry,
                ))
            })
        });
        let wanted = per_entry - have;
        for j in eligible.iter().take(wanted) {
            new.push(Assignment {
                judge: j.id,
                entry: parties.entry,
            });
            *load.entry(j.id).or_default() += 1;
        }
        if eligible.len() < wanted {
            short.push(Shortfall {
                entry: parties.entry,
                needed: wanted - eligible.len(),
                eligible: eligible.len() + have,
            });
        }
    }
    (new, short)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(id: i64, org: i64, parent: Option<i64>, region: &str) -> Judge {
        Judge {
            id,
            user_id: 100 + id,
            org_id: org,
            org_parent: parent,
            region_code: region.to_owned(),
        }
    }

    fn entry(id: i64, orgs: &[i64], parents: &[i64], region: &str) -> Parties {
        Parties {
            entry: id,
            entrant_user_id: 900 + id,
            orgs: orgs.iter().copied().collect(),
            org_parents: parents.iter().copied().collect(),
            region_code: region.to_owned(),
        }
    }

    #[test]
    fn each_kind_of_conflict_is_named() {
        let e = entry(1, &[10, 11], &[5], "411202");
        let same_org = judge(1, 11, None, "410100");
        assert_eq!(
            conflict(&same_org, &e, ConflictRegion::None).as_deref(),
            Some("评审专家与作品报送单位存在利益关系，须回避")
        );
        let from_parent = judge(2, 5, None, "410100");
        assert!(
            conflict(&from_parent, &e, ConflictRegion::None).is_some(),
            "a party's parent"
        );
        let from_child = judge(3, 20, Some(10), "410100");
        assert!(
            conflict(&from_child, &e, ConflictRegion::None).is_some(),
            "a party's child"
        );
        let mut entrant = judge(4, 30, None, "410100");
        entrant.user_id = e.entrant_user_id;
        assert_eq!(
            conflict(&entrant, &e, ConflictRegion::None).as_deref(),
            Some("评审专家是该作品的报送人，须回避")
        );
        let neighbour = judge(5, 40, None, "411203");
        assert_eq!(
            conflict(&neighbour, &e, ConflictRegion::County),
            None,
            "another county"
        );
        assert_eq!(
            conflict(&neighbour, &e, ConflictRegion::City).as_deref(),
            Some("评审专家与作品来自同一地区，须回避")
        );
        assert!(conflict(&judge(6, 40, None, "410100"), &e, ConflictRegion::Province).is_some());
        assert_eq!(
            conflict(&judge(7, 40, None, "420100"), &e, ConflictRegion::Province),
            None
        );
    }

    #[test]
    fn assignment_is_even_reproducible_and_keeps_what_exists() {
        let judges: Vec<Judge> = (1..=4).map(|i| judge(i, 50 + i, None, "410100")).collect();
        let entries: Vec<Parties> = (1..=6)
            .map(|i| entry(i, &[10 + i], &[], "411202"))
            .collect();
        let (first, short) = assign(7, &judges, &entries, &[], &[], 2, ConflictRegion::County);
        assert!(short.is_empty());
        assert_eq!(first.len(), 12);
        let mut load: BTreeMap<i64, usize> = BTreeMap::new();
        for a in &first {
            *load.entry(a.judge).or_default() += 1;
        }
        assert_eq!(
            load.values().copied().collect::<Vec<_>>(),
            [3, 3, 3, 3],
            "even"
        );
        let (again, _) = assign(7, &judges, &entries, &[], &[], 2, ConflictRegion::County);
        assert_eq!(first, again, "reproducible");
        // Run again over what exists: nothing new.
        let (more, short) = assign(7, &judges, &entries, &first, &[], 2, ConflictRegion::County);
        assert!(more.is_empty() && short.is_empty());
        // A third judge per entry on top: only additions.
        let (third, _) = assign(7, &judges, &entries, &first, &[], 3, ConflictRegion::County);
        assert_eq!(third.len(), 6);
        assert!(third.iter().all(|a| !first.contains(a)));
    }

    #[test]
    fn conflicts_and_recusals_leave_shortfalls() {
        let judges = vec![
            judge(1, 11, None, "410100"),
            judge(2, 60, None, "411202"),
            judge(3, 61, None, "410300"),
        ];
        let e = entry(1, &[11], &[], "411202");
        // Judge 1 is a party, judge 2 is of the same county, judge 3 recused before.
        let recused = [Assignment { judge: 3, entry: 1 }];
        let (new, short) = assign(7, &judges, &[e], &[], &recused, 3, ConflictRegion::County);
        assert!(new.is_empty());
        assert_eq!(
            short,
            [Shortfall {
                entry: 1,
                needed: 3,
                eligible: 0
            }]
        );
    }
}
