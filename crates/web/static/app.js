// Progressive enhancement for kepu's pages. Every page works without this file.
(function () {
  "use strict";

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
