// Progressive enhancement for kepu's pages. Every page works without this file.
(function () {
  "use strict";

  // The printable forms' 打印 button (no inline script: the pages' policy forbids it).
  var print = document.getElementById("print-page");
  if (print) {
    print.addEventListener("click", function () { window.print(); });
  }

  // The filters fold behind one 筛选 control on a phone; on a wide screen they stand open.
  if (window.matchMedia && window.matchMedia("(min-width: 720px)").matches) {
    document.querySelectorAll("details.filters-fold").forEach(function (d) { d.open = true; });
  }

  // A form's error summary takes the focus, so that a screen reader reads it first and a
  // keyboard moves from it to the fields it links.
  var summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }

  // The "获取验证码" button: sends the code without leaving the page, then counts down.
  var button = document.getElementById("send-code");
  if (button) {
    var phoneError = document.getElementById("phone-error");
    var countdown = function (seconds) {
      var left = seconds;
      button.disabled = true;
      var tick = function () {
        if (left <= 0) {
          button.disabled = false;
          button.textContent = "获取验证码";
          return;
        }
        button.textContent = left + "秒后重新获取";
        left -= 1;
        setTimeout(tick, 1000);
      };
      tick();
    };
    var wait = parseInt(button.getAttribute("data-wait") || "0", 10);
    if (wait > 0) countdown(wait);
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var form = button.form;
      var body = new URLSearchParams();
      body.set("phone", form.elements.phone.value);
      body.set("_csrf", form.elements._csrf.value);
      phoneError.textContent = "";
      button.disabled = true;
      fetch("/login/code", {
        method: "POST",
        headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
        body: body.toString(),
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        if (result.ok) {
          countdown(result.data.retry_after || 60);
          document.getElementById("code").focus();
        } else {
          var err = result.data.error || {};
          phoneError.textContent = (err.fields && err.fields.phone) || err.message || "发送失败，请稍后重试";
          button.disabled = false;
        }
      }).catch(function () {
        phoneError.textContent = "网络异常，请稍后重试";
        button.disabled = false;
      });
    });
  }
})();

// The filling form: region cascade, repeating rows, organisation suggestions, the poster
// uploaded with a progress bar and a preview, and confirmation before destructive actions.
(function () {
  "use strict";
  var csrf = function () {
    var input = document.querySelector("input[name=_csrf]");
    return input ? input.value : "";
  };

  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  // The supplement: what was typed survives an upload (which reloads the page).
  var upload = document.getElementById("upload-form");
  var supplement = document.getElementById("supplement-form");
  if (upload && supplement) {
    var key = "kepu-typed:" + supplement.action;
    var kept = sessionStorage.getItem(key);
    if (kept) {
      sessionStorage.removeItem(key);
      JSON.parse(kept).forEach(function (pair) {
        var field = supplement.elements.namedItem(pair[0]);
        if (field && field.type === "checkbox") field.checked = pair[1] === "on";
        else if (field && "value" in field) field.value = pair[1];
      });
    }
    upload.addEventListener("submit", function () {
      var typed = [];
      ["participants", "media_links", "basic", "outcomes", "highlights", "resources", "lessons"].forEach(function (name) {
        var field = supplement.elements.namedItem(name);
        if (field) typed.push([name, field.value]);
      });
      var intent = supplement.elements.namedItem("excellence_intent");
      if (intent) typed.push(["excellence_intent", intent.checked ? "on" : ""]);
      sessionStorage.setItem(key, JSON.stringify(typed));
    });
  }

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  document.querySelectorAll("select[data-child]").forEach(function (select) {
    select.addEventListener("change", function () {
      var child = document.getElementById(select.getAttribute("data-child"));
      var placeholder = child.options[0].cloneNode(true);
      var clear = function (el) {
        while (el && el.options.length > 1) el.remove(1);
      };
      clear(child);
      if (child.getAttribute("data-child")) clear(document.getElementById(child.getAttribute("data-child")));
      if (!select.value) return;
      fetch("/api/v1/regions?parent=" + encodeURIComponent(select.value)).then(function (r) {
        return r.ok ? r.json() : [];
      }).then(function (regions) {
        child.innerHTML = "";
        child.appendChild(placeholder);
        regions.forEach(function (region) {
          var option = document.createElement("option");
          option.value = region.code;
          option.textContent = region.name;
          child.appendChild(option);
        });
      });
    });
  });

  document.querySelectorAll(".rows .add-row").forEach(function (button) {
    button.addEventListener("click", function () {
      var rows = button.parentNode.querySelectorAll(".row-item");
      var last = rows[rows.length - 1];
      var copy = last.cloneNode(true);
      copy.querySelectorAll("input").forEach(function (input) { input.value = ""; });
      copy.querySelectorAll("select").forEach(function (select) { select.selectedIndex = 0; });
      last.parentNode.insertBefore(copy, button);
      copy.querySelector("input, select").focus();
    });
  });

  var list = document.getElementById("org-suggestions");
  document.querySelectorAll(".org-input").forEach(function (area) {
    area.setAttribute("list", "org-suggestions");
    area.addEventListener("input", function () {
      var lines = area.value.split("\n");
      var q = lines[lines.length - 1].trim();
      if (q.length < 2 || !list) return;
      fetch("/api/v1/orgs?limit=10&q=" + encodeURIComponent(q)).then(function (r) {
        return r.ok ? r.json() : [];
      }).then(function (orgs) {
        list.innerHTML = "";
        orgs.forEach(function (org) {
          var option = document.createElement("option");
          option.value = org.name;
          option.label = org.status === "certified" ? "已认证" : "待认证";
          list.appendChild(option);
        });
      });
    });
  });

  var file = document.getElementById("poster-file");
  if (file) {
    var form = document.getElementById("poster-form");
    var progress = document.getElementById("poster-progress");
    var preview = document.getElementById("poster-preview");
    var error = document.getElementById("poster-error");
    var hidden = document.getElementById("poster");
    var upload = function () {
      if (!file.files.length) return;
      var data = new FormData();
      data.append("kind", "poster");
      data.append("file", file.files[0]);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/v1/activities/" + file.getAttribute("data-activity") + "/media");
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      progress.hidden = false;
      progress.value = 0;
      error.textContent = "";
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
        if (xhr.status === 201) {
          progress.value = 100;
          hidden.value = body.id;
          preview.src = body.url;
          preview.hidden = false;
          error.textContent = "";
        } else {
          var err = body.error || {};
          var fields = err.fields || {};
          error.textContent = fields.poster || fields.file || err.message || "上传失败，请重试";
          progress.hidden = true;
        }
      });
      xhr.addEventListener("error", function () {
        error.textContent = "网络异常，上传失败，请重试";
        progress.hidden = true;
      });
      xhr.send(data);
    };
    file.addEventListener("change", upload);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      upload();
    });
  }
})();

// "Use my location" (the map and the home page): fills the place from the browser. On the
// map the form is sent; on the home page the nearest activities are shown in place.
(function () {
  "use strict";
  if (!navigator.geolocation) return;
  document.querySelectorAll("button[data-locate]").forEach(function (locate) {
    var input = document.getElementById(locate.getAttribute("data-locate"));
    var results = document.getElementById(locate.getAttribute("data-results") || "");
    var label = locate.textContent;
    locate.hidden = false;
    var show = function (near, activities) {
      var status = document.getElementById(locate.getAttribute("data-status"));
      results.innerHTML = "";
      status.textContent = activities.length ? "" : "30公里内暂无已发布的活动，可在科普地图上扩大范围。";
      activities.forEach(function (a) {
        var li = document.createElement("li");
        li.className = "activity-card";
        var link = document.createElement("a");
        link.href = "/activities/" + a.id;
        var strong = document.createElement("strong");
        strong.textContent = a.name;
        link.appendChild(strong);
        var hint = document.createElement("p");
        hint.className = "hint";
        hint.textContent = "约" + a.distance_km + "公里 · " + (a.address || "线上活动");
        li.appendChild(link);
        li.appendChild(hint);
        results.appendChild(li);
      });
      var more = document.getElementById(locate.getAttribute("data-more"));
      more.href = "/map?within_km=30&near=" + encodeURIComponent(near);
      more.hidden = false;
      results.hidden = false;
    };
    locate.addEventListener("click", function () {
      locate.disabled = true;
      locate.textContent = "正在定位…";
      navigator.geolocation.getCurrentPosition(function (position) {
        var near = position.coords.longitude.toFixed(5) + "," + position.coords.latitude.toFixed(5);
        input.value = near;
        if (!results) {
          input.form.submit();
          return;
        }
        fetch("/api/v1/activities?per_page=5&within_km=30&near=" + encodeURIComponent(near)).then(function (r) {
          return r.ok ? r.json() : { items: [] };
        }).then(function (page) {
          show(near, page.items);
          locate.disabled = false;
          locate.textContent = label;
        }).catch(function () {
          input.form.submit();
        });
      }, function () {
        locate.disabled = false;
        locate.textContent = "无法获取位置，请输入地名";
        input.focus();
      }, { timeout: 10000 });
    });
  });
})();

// A person filling a long form is not idle: while they type, the session is kept alive
// (at most one light request every five minutes), so a form typed over more than the
// idle limit is not lost to an ended session.
(function () {
  "use strict";
  var last = Date.now();
  document.querySelectorAll("form input[name=_csrf]").forEach(function (input) {
    input.form.addEventListener("input", function () {
      if (Date.now() - last < 5 * 60 * 1000) return;
      last = Date.now();
      fetch("/api/v1/me", { credentials: "same-origin", cache: "no-store" }).catch(function () {});
    });
  });
})();

// The check-in form: where the venue checks the visitor's place, the browser is asked for
// it when the form is sent (the form works without it: the server then flags or refuses).
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form || form.getAttribute("data-asks-location") !== "yes" || !navigator.geolocation) return;
  var asked = false;
  form.addEventListener("submit", function (event) {
    if (asked) return;
    event.preventDefault();
    asked = true;
    var button = document.getElementById("checkin-submit");
    button.disabled = true;
    button.textContent = "正在获取位置…";
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("checkin-lon").value = position.coords.longitude.toFixed(6);
      document.getElementById("checkin-lat").value = position.coords.latitude.toFixed(6);
      document.getElementById("checkin-accuracy").value = Math.round(position.coords.accuracy);
      form.submit();
    }, function () {
      form.submit();
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();

// The 报名表's files (video, signed form): uploaded when chosen, with a progress bar; the
// server's answer beside the field (every broken file rule at once), the measured size and
// duration when it passes, and the form's hidden field set so that saving names it.
(function () {
  "use strict";
  document.querySelectorAll("input[type=file][data-upload]").forEach(function (input) {
    var base = input.id;
    var progress = document.getElementById(base + "-progress");
    var done = document.getElementById(base + "-done");
    var error = document.getElementById(base + "-error");
    var hidden = document.getElementById(input.getAttribute("data-target"));
    var token = document.querySelector("input[name=_csrf]");
    input.addEventListener("change", function () {
      if (!input.files.length) return;
      var data = new FormData();
      data.append("kind", input.getAttribute("data-upload"));
      data.append("file", input.files[0]);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", input.getAttribute("data-entry-url"));
      if (token) xhr.setRequestHeader("X-CSRF-Token", token.value);
      progress.hidden = false;
      progress.value = 0;
      error.textContent = "";
      done.textContent = "正在上传…";
      input.setAttribute("aria-invalid", "false");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.addEventListener("load", function () {
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
        if (xhr.status === 201) {
          progress.value = 100;
          hidden.value = body.id;
          if (body.seconds) {
            var s = Math.round(body.seconds);
            done.textContent = "已上传：" + body.width + "×" + body.height + "，" + Math.floor(s / 60) + "分" + (s % 60) + "秒（保存后生效）";
          } else {
            done.textContent = "已上传（保存后生效）";
          }
        } else {
          var err = body.error || {};
          var fields = err.fields || {};
          error.textContent = fields.file || fields.kind || err.message || "上传失败，请重试";
          done.textContent = "";
          progress.hidden = true;
          input.setAttribute("aria-invalid", "true");
        }
      });
      xhr.addEventListener("error", function () {
        error.textContent = "网络异常，上传失败，请重试";
        done.textContent = "";
        progress.hidden = true;
      });
      xhr.send(data);
    });
  });
})();
