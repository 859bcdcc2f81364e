//! The audit trail's vocabulary as people read it: each recorded action and kind of object
//! by its Chinese name (the codes stay in the records, the exports and the API).

/// Every action kepu records, with its Chinese name, in the order a filter offers them.
pub const ACTIONS: [(&str, &str); 36] = [
    ("auth.login", "登录"),
    ("activity.create", "创建活动"),
    ("activity.edit", "修改活动"),
    ("activity.move", "活动状态变化（提交、撤回等）"),
    ("activity.decide", "审核活动"),
    ("review.decision", "审核决定"),
    ("activity.host_confirm", "确认联合主办"),
    ("activity.excellence_intent", "标记拟推优"),
    ("activity.import", "批量导入活动"),
    ("activity.contacts_anonymised", "到期清除联系方式"),
    ("supplement.reminder", "补充信息提醒"),
    ("nomination.opinion", "推优意见"),
    ("org.apply", "登记单位"),
    ("org.certify", "认证单位"),
    ("org.add_member", "添加单位成员"),
    ("quota.set", "设置任务指标"),
    ("quota.delete", "删除任务指标"),
    ("summary.save", "保存工作总结"),
    ("summary.submit", "提交工作总结"),
    ("summary.file_add", "上传总结附件"),
    ("summary.file_delete", "删除总结附件"),
    ("summary.remind", "催报工作总结"),
    ("summary.reminder", "工作总结提醒"),
    ("campaign.create", "创建活动季"),
    ("region.add", "添加区划"),
    ("user.add", "添加用户"),
    ("user.grant", "授予角色"),
    ("user.profile", "修改姓名"),
    ("user.disable", "停用账号"),
    ("user.enable", "启用账号"),
    ("user.close", "注销账号"),
    ("user.end_sessions", "结束登录会话"),
    ("export.activities", "导出活动项目汇总表"),
    ("export.nomination_form", "导出推荐表"),
    ("audit.export", "导出操作记录"),
    ("audit.purge", "清理过期操作记录"),
];

/// Groups of actions by the start of their code, as a filter offers them (the trail's
/// filter matches an action that begins with a code ending in a dot).
pub const GROUPS: [(&str, &str); 7] = [
    ("activity.", "全部活动操作"),
    ("org.", "全部单位操作"),
    ("user.", "全部账号操作"),
    ("summary.", "全部工作总结操作"),
    ("quota.", "全部任务指标操作"),
    ("export.", "全部导出"),
    ("audit.", "全部操作记录维护"),
];

/// The Chinese name of an action; `None` for one not in [`ACTIONS`] (a refused request is
/// recorded under its route, shown as recorded).
pub fn action_label(action: &str) -> Option<&'static str> {
    ACTIONS
        .iter()
        .find(|(code, _)| *code == action)
        .map(|(_, label)| *label)
}

/// The Chinese name of a kind of object in the trail.
pub fn target_label(kind: &str) -> &str {
    match kind {
        "activity" => "活动",
        "user" => "用户",
        "org" => "单位",
        "campaign" => "活动季",
        "nomination" => "推荐",
        "quota" => "任务指标",
        "summary" | "summary_file" => "工作总结",
        "region" => "区划",
        "media" => "文件",
        "session" => "会话",
        "token" => "令牌",
        "audit" | "audit_log" => "操作记录",
        "path" => "请求",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_has_one_name() {
        for (i, (code, label)) in ACTIONS.iter().enumerate() {
            assert!(!label.is_empty() && code.contains('.'), "{code}");
            assert!(
                ACTIONS[i + 1..].iter().all(|(c, _)| c != code),
                "{code} twice"
            );
        }
        assert_eq!(action_label("activity.decide"), Some("审核活动"));
        assert_eq!(action_label("something.new"), None);
        assert_eq!(target_label("activity"), "活动");
    }
}
