//! Judging arithmetic for the video contest (DESIGN.md §8, "Scores, aggregation,
//! normalisation"): a judge's total from the criteria, z-score normalisation, the expert
//! score by the configured aggregation, the public vote's share, the ranking with its
//! tie-breaks, and the awards down the ranking. Pure and unrounded; shown with two decimals.

use std::collections::{BTreeMap, BTreeSet};

use crate::FieldErrors;
use crate::contest::{Aggregation, Award, ContestSettings, Criterion, Normalise};

/// A judge's total for an entry: Σ weight × score / 100, on 0–100; every criterion scored
/// 0–100, none unknown, none missing (each problem under `scores.{key}`).
pub fn judge_total(
    criteria: &[Criterion],
    scores: &BTreeMap<String, f64>,
) -> Result<f64, FieldErrors> {
    let mut errors = FieldErrors::new();
    let known: BTreeSet<&str> = criteria.iter().map(|c| c.key.as_str()).collect();
    for key in scores.keys() {
        if !known.contains(key.as_str()) {
            errors.add(&format!("scores.{key}"), "没有这项评分标准");
        }
    }
    let mut total = 0.0;
    for c in criteria {
        match scores.get(&c.key) {
            None => errors.add(
                &format!("scores.{}", c.key),
                format!("请为“{}”评分", c.name),
            ),
            Some(s) if !s.is_finite() || !(0.0..=100.0).contains(s) => errors.add(
                &format!("scores.{}", c.key),
                format!("“{}”的分数须在0至100之间", c.name),
            ),
            Some(s) => total += c.weight as f64 * s / 100.0,
        }
    }
    errors.into_result().map(|()| total)
}

/// A score sheet as saved (`submit` false: a draft may leave criteria out, but what it gives
/// is known and on 0–100) or submitted (every criterion scored): the total once every
/// criterion is scored.
pub fn score_sheet(
    criteria: &[Criterion],
    scores: &BTreeMap<String, f64>,
    submit: bool,
) -> Result<Option<f64>, FieldErrors> {
    if submit || criteria.iter().all(|c| scores.contains_key(&c.key)) {
        return judge_total(criteria, scores).map(Some);
    }
    let given: Vec<Criterion> = criteria
        .iter()
        .filter(|c| scores.contains_key(&c.key))
        .cloned()
        .collect();
    judge_total(&given, scores).map(|_| None)
}

/// One judge's submitted total for one entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Total {
    /// The judge.
    pub judge: i64,
    /// The entry.
    pub entry: i64,
    /// t, on 0–100.
    pub total: f64,
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

fn population_sd(xs: &[f64]) -> f64 {
    let m = mean(xs);
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / xs.len().max(1) as f64).sqrt()
}

/// The totals after normalisation (`none`: as they are). With `zscore`, a judge with at
/// least `min_scores` totals has each t moved to μ + σ × (t − μⱼ) / σⱼ (t − μⱼ + μ when
/// σⱼ = 0), μ and σ over all totals; fewer, and t stays. Clamped to 0–100.
pub fn normalised(totals: &[Total], method: Normalise, min_scores: i64) -> Vec<Total> {
    if method == Normalise::None || totals.is_empty() {
        return totals.to_vec();
    }
    let all: Vec<f64> = totals.iter().map(|t| t.total).collect();
    let (mu, sigma) = (mean(&all), population_sd(&all));
    let mut by_judge: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for t in totals {
        by_judge.entry(t.judge).or_default().push(t.total);
    }
    totals
        .iter()
        .map(|t| {
            let own = by_judge
                .get(&t.judge)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if (own.len() as i64) < min_scores {
                return *t;
            }
            let (mu_j, sigma_j) = (mean(own), population_sd(own));
            let moved = if sigma_j == 0.0 {
                t.total - mu_j + mu
            } else {
                mu + sigma * (t.total - mu_j) / sigma_j
            };
            Total {
                total: moved.clamp(0.0, 100.0),
                ..*t
            }
        })
        .collect()
}

/// The expert score E of an entry's (normalised) totals.
pub fn aggregate(totals: &[f64], method: Aggregation) -> f64 {
    let mut xs = totals.to_vec();
    xs.sort_by(f64::total_cmp);
    match method {
        Aggregation::Mean => mean(&xs),
        Aggregation::Median => {
            let n = xs.len();
            match n {
                0 => 0.0,
                _ if n % 2 == 1 => xs[n / 2],
                _ => (xs[n / 2 - 1] + xs[n / 2]) / 2.0,
            }
        }
        // One highest and one lowest dropped when there are at least five.
        Aggregation::TrimmedMean if xs.len() >= 5 => mean(&xs[1..xs.len() - 1]),
        Aggregation::TrimmedMean => mean(&xs),
    }
}

/// What the ranking needs of an entry besides its totals.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryTally {
    /// The entry.
    pub entry: i64,
    /// Its order of submission (earlier first).
    pub submitted: i64,
    /// The mean raw score of the heaviest criterion over its submitted scores.
    pub heaviest_mean: f64,
    /// Public votes counted (not voided).
    pub votes: i64,
}

/// An entry's place.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// 1, 2, …
    pub rank: usize,
    /// The entry.
    pub entry: i64,
    /// E.
    pub expert_score: f64,
    /// V.
    pub vote_score: f64,
    /// F.
    pub final_score: f64,
    /// Votes counted.
    pub votes: i64,
    /// Submitted scores.
    pub scores_count: usize,
    /// The award it gets, if any (its key).
    pub award: Option<String>,
}

/// An entry with too few scores to be ranked (待评).
#[derive(Debug, Clone, PartialEq)]
pub struct Unranked {
    /// The entry.
    pub entry: i64,
    /// Submitted scores.
    pub scores_count: usize,
}

/// The ranking of `tallies` by the contest's method: F = E × (100 − w) / 100 + V × w / 100
/// with V = 100 × votes / (most votes), F = E without a vote; ties by E, then the heaviest
/// criterion's mean raw score, then earlier submission; awards down the ranking by count.
pub fn rank(
    settings: &ContestSettings,
    totals: &[Total],
    tallies: &[EntryTally],
) -> (Vec<Placed>, Vec<Unranked>) {
    let moved = normalised(totals, settings.normalise, settings.normalise_min_scores);
    let mut per_entry: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for t in &moved {
        per_entry.entry(t.entry).or_default().push(t.total);
    }
    let most_votes = tallies.iter().map(|t| t.votes).max().unwrap_or(0);
    let weight = settings.public_vote.as_ref().map_or(0, |v| v.weight) as f64;
    let mut placed = Vec::new();
    let mut unranked = Vec::new();
    for tally in tallies {
        let scores = per_entry.get(&tally.entry).cloned().unwrap_or_default();
        if (scores.len() as i64) < settings.min_scores {
            unranked.push(Unranked {
                entry: tally.entry,
                scores_count: scores.len(),
            });
            continue;
        }
        let expert = aggregate(&scores, settings.aggregation);
        let vote = if most_votes > 0 {
            100.0 * tally.votes as f64 / most_votes as f64
        } else {
            0.0
        };
        let final_score = if settings.public_vote.is_some() {
            expert * (100.0 - weight) / 100.0 + vote * weight / 100.0
        } else {
            expert
        };
        placed.push((
            tally.clone(),
            Placed {
                rank: 0,
                entry: tally.entry,
                expert_score: expert,
                vote_score: vote,
                final_score,
                votes: tally.votes,
                scores_count: scores.len(),
                award: None,
            },
        ));
    }
    placed.sort_by(|(ta, a), (tb, b)| {
        b.final_score
            .total_cmp(&a.final_score)
            .then(b.expert_score.total_cmp(&a.expert_score))
            .then(tb.heaviest_mean.total_cmp(&ta.heaviest_mean))
            .then(ta.submitted.cmp(&tb.submitted))
    });
    let mut awards = settings.awards.iter().flat_map(|a: &Award| {
        std::iter::repeat_n(a.key.clone(), usize::try_from(a.count).unwrap_or(0))
    });
    let placed = placed
        .into_iter()
        .enumerate()
        .map(|(i, (_, mut p))| {
            p.rank = i + 1;
            p.award = awards.next();
            p
        })
        .collect();
    (placed, unranked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_sheet_may_leave_criteria_out_but_not_break_them() {
        let criteria = crate::contest::template().unwrap().criteria;
        let part: BTreeMap<String, f64> = [("scientific".to_owned(), 90.0)].into();
        assert_eq!(score_sheet(&criteria, &part, false), Ok(None));
        let e = score_sheet(&criteria, &part, true).unwrap_err();
        assert_eq!(e.get("scores.creative"), Some("请为“创意表现”评分"));
        let wrong: BTreeMap<String, f64> =
            [("scientific".to_owned(), 101.0), ("beauty".to_owned(), 5.0)].into();
        let e = score_sheet(&criteria, &wrong, false).unwrap_err();
        assert_eq!(
            e.get("scores.scientific"),
            Some("“科学性”的分数须在0至100之间")
        );
        assert_eq!(e.get("scores.beauty"), Some("没有这项评分标准"));
        let full: BTreeMap<String, f64> = [
            ("scientific".to_owned(), 90.0),
            ("creative".to_owned(), 80.0),
            ("production".to_owned(), 70.0),
            ("reach".to_owned(), 60.0),
        ]
        .into();
        // 40/30/20/10: 36 + 24 + 14 + 6.
        assert_eq!(score_sheet(&criteria, &full, false), Ok(Some(80.0)));
    }
    use crate::contest::{PublicVote, ShowCounts, template};

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_judges_total_weighs_the_criteria() {
        let criteria = template().unwrap().criteria;
        let scores: BTreeMap<String, f64> = [
            ("scientific", 90.0),
            ("creative", 80.0),
            ("production", 70.0),
            ("reach", 60.0),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        // 0.4×90 + 0.3×80 + 0.2×70 + 0.1×60 = 36 + 24 + 14 + 6 = 80.
        assert!(close(judge_total(&criteria, &scores).unwrap(), 80.0));
        let mut bad = scores.clone();
        bad.remove("reach");
        bad.insert("scientific".into(), 101.0);
        bad.insert("beauty".into(), 50.0);
        let e = judge_total(&criteria, &bad).unwrap_err();
        assert_eq!(e.get("scores.reach"), Some("请为“传播价值”评分"));
        assert_eq!(
            e.get("scores.scientific"),
            Some("“科学性”的分数须在0至100之间")
        );
        assert_eq!(e.get("scores.beauty"), Some("没有这项评分标准"));
    }

    #[test]
    fn the_aggregations() {
        let xs = [70.0, 90.0, 80.0, 60.0, 100.0];
        assert!(close(aggregate(&xs, Aggregation::Mean), 80.0));
        assert!(close(aggregate(&xs, Aggregation::Median), 80.0));
        assert!(close(
            aggregate(&[70.0, 90.0, 80.0, 60.0], Aggregation::Median),
            75.0
        ));
        // Five or more: drop 60 and 100 → mean of 70, 80, 90.
        assert!(close(
            aggregate(
                &[70.0, 90.0, 80.0, 60.0, 100.0, 80.0],
                Aggregation::TrimmedMean
            ),
            80.0
        ));
        assert!(
            close(
                aggregate(&[60.0, 100.0, 80.0], Aggregation::TrimmedMean),
                80.0
            ),
            "fewer than five: the mean"
        );
    }

    #[test]
    fn zscore_moves_a_harsh_judge_onto_the_common_scale() {
        // Judge 1 gives 60 and 70, judge 2 gives 80 and 90 to the same entries.
        let totals = [
            Total {
                judge: 1,
                entry: 10,
                total: 60.0,
            },
            Total {
                judge: 1,
                entry: 11,
                total: 70.0,
            },
            Total {
                judge: 2,
                entry: 10,
                total: 80.0,
            },
            Total {
                judge: 2,
                entry: 11,
                total: 90.0,
            },
        ];
        // μ = 75, σ = √125 ≈ 11.18; each judge: σⱼ = 5.
        let moved = normalised(&totals, Normalise::Zscore, 2);
        let sigma = 125f64.sqrt();
        assert!(close(moved[0].total, 75.0 - sigma));
        assert!(
            close(moved[2].total, 75.0 - sigma),
            "both judges now agree on entry 10"
        );
        assert!(close(moved[1].total, 75.0 + sigma));
        // Too few scores: left raw.
        let raw = normalised(&totals, Normalise::Zscore, 3);
        assert_eq!(raw, totals.to_vec());
        // σⱼ = 0: shifted by the difference of the means.
        let flat = [
            Total {
                judge: 1,
                entry: 10,
                total: 70.0,
            },
            Total {
                judge: 1,
                entry: 11,
                total: 70.0,
            },
            Total {
                judge: 2,
                entry: 10,
                total: 90.0,
            },
            Total {
                judge: 2,
                entry: 11,
                total: 70.0,
            },
        ];
        let moved = normalised(&flat, Normalise::Zscore, 2);
        assert!(close(moved[0].total, 70.0 - 70.0 + 75.0));
        assert_eq!(normalised(&totals, Normalise::None, 1), totals.to_vec());
    }

    fn tally(entry: i64, submitted: i64, heaviest_mean: f64, votes: i64) -> EntryTally {
        EntryTally {
            entry,
            submitted,
            heaviest_mean,
            votes,
        }
    }

    #[test]
    fn the_ranking_breaks_ties_and_gives_the_awards() {
        let mut s = template().unwrap();
        s.awards = vec![
            Award {
                key: "first".into(),
                name: "一等奖".into(),
                count: 1,
            },
            Award {
                key: "second".into(),
                name: "二等奖".into(),
                count: 2,
            },
        ];
        let totals = [
            // Entry 1: 80, 80. Entry 2: 80, 80. Entry 3: 90, 70. Entry 4: 95 only.
            Total {
                judge: 1,
                entry: 1,
                total: 80.0,
            },
            Total {
                judge: 2,
                entry: 1,
                total: 80.0,
            },
            Total {
                judge: 1,
                entry: 2,
                total: 80.0,
            },
            Total {
                judge: 2,
                entry: 2,
                total: 80.0,
            },
            Total {
                judge: 1,
                entry: 3,
                total: 90.0,
            },
            Total {
                judge: 2,
                entry: 3,
                total: 70.0,
            },
            Total {
                judge: 1,
                entry: 4,
                total: 95.0,
            },
        ];
        let tallies = [
            tally(1, 3, 85.0, 0),
            tally(2, 2, 85.0, 0),
            tally(3, 1, 90.0, 0),
            tally(4, 4, 95.0, 0),
        ];
        let (placed, unranked) = rank(&s, &totals, &tallies);
        // All three at 80: entry 3 by the heaviest criterion, then entry 2 submitted first.
        let order: Vec<i64> = placed.iter().map(|p| p.entry).collect();
        assert_eq!(order, [3, 2, 1]);
        let awards: Vec<Option<&str>> = placed.iter().map(|p| p.award.as_deref()).collect();
        assert_eq!(awards, [Some("first"), Some("second"), Some("second")]);
        assert_eq!(
            unranked,
            [Unranked {
                entry: 4,
                scores_count: 1
            }],
            "待评: one score of two"
        );
    }

    #[test]
    fn the_public_vote_takes_its_share() {
        let mut s = template().unwrap();
        s.public_vote = Some(PublicVote {
            weight: 20,
            from: s.judge_from,
            to: s.judge_to,
            per_entry_per_day: 1,
            per_day: 10,
            show_counts: ShowCounts::AfterClose,
        });
        let totals = [
            Total {
                judge: 1,
                entry: 1,
                total: 90.0,
            },
            Total {
                judge: 2,
                entry: 1,
                total: 90.0,
            },
            Total {
                judge: 1,
                entry: 2,
                total: 85.0,
            },
            Total {
                judge: 2,
                entry: 2,
                total: 85.0,
            },
        ];
        let (placed, _) = rank(&s, &totals, &[tally(1, 1, 0.0, 10), tally(2, 2, 0.0, 100)]);
        // Entry 2: 85 × 0.8 + 100 × 0.2 = 88; entry 1: 90 × 0.8 + 10 × 0.2 = 74.
        assert_eq!(placed[0].entry, 2);
        assert!(close(placed[0].final_score, 88.0));
        assert!(close(placed[1].final_score, 74.0));
        assert!(close(placed[1].vote_score, 10.0));
        let (nobody, _) = rank(&s, &totals, &[tally(1, 1, 0.0, 0), tally(2, 2, 0.0, 0)]);
        assert!(close(nobody[0].vote_score, 0.0), "no votes: V = 0");
        assert!(close(nobody[0].final_score, 72.0));
    }
}
