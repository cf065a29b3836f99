/*
 * HK Talent Visa Assistant: an embeddable chat widget for the Rasa socket.io channel.
 *
 * Embed (see web/README.md):
 *   <script src="https://assistant.example.org/widget/widget.js" defer></script>
 *   <script>
 *     addEventListener("DOMContentLoaded", () => HKTAWidget.init({
 *       serverUrl: "https://assistant.example.org:5005", title: "Visa assistant", language: "en",
 *       colors: { primary: "#0f4c81" },
 *     }));
 *   </script>
 *
 * No framework and no build step. Everything that comes from the server is put on the page with
 * textContent and DOM building, never innerHTML, so a message containing markup shows as text.
 */
(function () {
  "use strict";

  const scriptUrl = (document.currentScript && document.currentScript.src) || location.href;
  const WIDGET_BASE = new URL(".", scriptUrl).href;

  const STRINGS = {
    en: {
      launcher: "Ask about Hong Kong talent visas",
      close: "Close chat",
      restart: "New chat",
      restartLabel: "New chat (clears this conversation from this browser)",
      confirmRestart: "Start a new chat? This clears the conversation so far from this browser.",
      confirmRestartYes: "Start new chat",
      confirmRestartNo: "Keep this chat",
      subtitle: "Guidance with official sources. Not legal advice.",
      log: "Conversation",
      inputLabel: "Your message",
      placeholder: "Type a message…",
      send: "Send",
      you: "You",
      bot: "Assistant",
      typing: "The assistant is typing…",
      connecting: "Connecting…",
      lost: "Connection lost — reconnecting…",
      unreachable: "Can't reach the assistant — retrying…",
      back: "Connected again.",
      suggested: "Suggested replies",
      noReply: "No reply yet. The assistant may be busy; please try again in a moment.",
      card: "Your results",
      asOf: "Rules in force on {date}",
      points: "QMAS points test: {met} of {total} criteria met, {threshold} needed",
      pointsPass: "passes",
      pointsFail: "does not pass yet",
      reasons: "Why",
      missing: "What we still need to know",
      caveats: "What we could not check",
      nextSteps: "Next steps",
      source: "Official page",
      sourceDated: "Official page (dated {date})",
      notes: "Good to know",
      status: {
        eligible: "You can apply",
        needs_job_offer: "Needs a job offer",
        more_info_needed: "More information needed",
        undecided: "Can't tell: the Immigration Department decides",
        not_eligible: "Not eligible",
      },
      statusSummary: "{count} schemes checked",
      newTab: "(opens in a new tab)",
    },
    "zh-HK": {
      launcher: "查詢香港人才簽證",
      close: "關閉對話",
      restart: "新對話",
      restartLabel: "新對話（會在此瀏覽器清除目前的對話）",
      confirmRestart: "開始新對話？這會在此瀏覽器清除目前的對話。",
      confirmRestartYes: "開始新對話",
      confirmRestartNo: "保留目前對話",
      subtitle: "附官方來源的指引，並非法律意見。",
      log: "對話",
      inputLabel: "你的訊息",
      placeholder: "輸入訊息…",
      send: "傳送",
      you: "你",
      bot: "助理",
      typing: "助理正在輸入…",
      connecting: "連線中…",
      lost: "連線中斷 — 正在重新連線…",
      unreachable: "無法連接助理 — 正在重試…",
      back: "已重新連線。",
      suggested: "建議回覆",
      noReply: "暫時未有回覆，請稍後再試。",
      card: "你的結果",
      asOf: "按 {date} 生效的規則",
      points: "優才計劃綜合計分制：符合 {met} / {total} 項，需要 {threshold} 項",
      pointsPass: "合格",
      pointsFail: "未合格",
      reasons: "原因",
      missing: "尚需資料",
      caveats: "未能核實的條件",
      nextSteps: "下一步",
      source: "官方網頁",
      sourceDated: "官方網頁（{date}）",
      notes: "注意事項",
      status: {
        eligible: "可以申請",
        needs_job_offer: "需要工作聘約",
        more_info_needed: "需要更多資料",
        undecided: "未能判斷：由入境處決定",
        not_eligible: "不符合資格",
      },
      statusSummary: "已檢查 {count} 個計劃",
      newTab: "（在新分頁開啟）",
    },
  };

  // Status icons are decoration: the words beside them carry the meaning (WCAG 1.4.1).
  const STATUS_ICON = { eligible: "✓", needs_job_offer: "!", more_info_needed: "?", not_eligible: "✕" };
  const STATUS_ORDER = ["eligible", "needs_job_offer", "more_info_needed", "not_eligible"];

  const DEFAULT_COLORS = {
    primary: "#0f4c81", // header, launcher, send button, your messages
    primaryText: "#ffffff",
    background: "#ffffff",
    text: "#1c2833",
    botBubble: "#eef2f6",
    botText: "#1c2833",
    link: "#0b5394",
  };

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (_, key) => (key in values ? String(values[key]) : ""));
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function safeHttpUrl(raw) {
    try {
      const url = new URL(raw);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (_) {
      return null;
    }
  }

  // Text with clickable links: bare http(s) URLs and [label](url). Built as text nodes and <a>s.
  const LINK = /\[([^\]\n]{1,200})\]\((https?:\/\/[^\s)]+)\)|(https?:\/\/[^\s<>"']+)/g;

  function linkify(text, strings) {
    const fragment = document.createDocumentFragment();
    let last = 0;
    for (const match of String(text).matchAll(LINK)) {
      let [whole, label, labelledUrl, bareUrl] = match;
      let trailing = "";
      if (bareUrl) {
        // Sentence punctuation after a URL is not part of it.
        const cut = bareUrl.match(/[.,;:!?)\]]+$/);
        if (cut) {
          trailing = cut[0];
          bareUrl = bareUrl.slice(0, -trailing.length);
          whole = whole.slice(0, -trailing.length);
        }
      }
      const href = safeHttpUrl(labelledUrl || bareUrl);
      fragment.append(document.createTextNode(text.slice(last, match.index)));
      if (href) fragment.append(externalLink(href, label || shortUrl(bareUrl), strings));
      else fragment.append(document.createTextNode(whole));
      fragment.append(document.createTextNode(trailing));
      last = match.index + match[0].length;
    }
    fragment.append(document.createTextNode(String(text).slice(last)));
    return fragment;
  }

  // "https://www.immd.gov.hk/eng/services/visas/GEP.html" -> "immd.gov.hk/eng/services/visas/GEP.html"
  function shortUrl(url) {
    const text = url.replace(/^https?:\/\/(www\.)?/, "");
    return text.length > 60 ? text.slice(0, 57) + "…" : text;
  }

  function externalLink(href, label, strings) {
    return el(
      "a",
      { href, target: "_blank", rel: "noopener noreferrer" },
      label,
      el("span", { class: "hkta-visually-hidden", text: " " + strings.newTab }),
    );
  }

  function relativeLuminance(hex) {
    const m = /^#?([0-9a-f]{6})$/i.exec(hex || "");
    if (!m) return null;
    const channels = [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16) / 255);
    const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  function contrast(a, b) {
    const [la, lb] = [relativeLuminance(a), relativeLuminance(b)];
    if (la === null || lb === null) return null;
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function storage(kind) {
    try {
      const store = window[kind];
      const probe = "__hkta_probe__";
      store.setItem(probe, "1");
      store.removeItem(probe);
      return store;
    } catch (_) {
      const memory = new Map();
      return {
        getItem: (k) => (memory.has(k) ? memory.get(k) : null),
        setItem: (k, v) => memory.set(k, String(v)),
        removeItem: (k) => memory.delete(k),
      };
    }
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = el("script", { src, async: true });
      script.onload = resolve;
      script.onerror = () => reject(new Error("could not load " + src));
      document.head.append(script);
    });
  }

  function loadStylesheet(href) {
    if (document.querySelector('link[data-hkta-css]')) return;
    document.head.append(el("link", { rel: "stylesheet", href, "data-hkta-css": true }));
  }

  let instanceCount = 0;

  class Widget {
    constructor(options) {
      const o = options || {};
      this.serverUrl = (o.serverUrl || `${location.protocol}//${location.hostname}:5005`).replace(/\/$/, "");
      this.socketPath = o.socketPath || "/socket.io";
      this.title = o.title || "HK Talent Visa Assistant";
      this.language = o.language && STRINGS[o.language] ? o.language : "en";
      this.strings = Object.assign({}, STRINGS.en, STRINGS[this.language], o.strings || {});
      this.subtitle = o.subtitle || this.strings.subtitle;
      this.colors = Object.assign({}, DEFAULT_COLORS, o.colors || {});
      this.greeting = o.initPayload === undefined ? "/greet" : o.initPayload;
      this.replyTimeoutMs = o.replyTimeoutMs || 45000;
      this.maxStored = o.maxStoredMessages || 300;
      this.id = "hkta-" + ++instanceCount;
      const key = o.storageKey || "hkta";
      this.keys = {
        session: `${key}:session:${this.serverUrl}`,
        transcript: `${key}:transcript:${this.serverUrl}`,
        open: `${key}:open`,
      };
      this.local = storage("localStorage");
      this.tab = storage("sessionStorage");
      this.transcript = this.readTranscript();
      this.queue = [];
      this.sessionId = null;
      this.ready = false;
      this.everConnected = false;
      this.waiting = false;

      this.warnOnLowContrast();
      loadStylesheet(o.cssUrl || new URL("widget.css", WIDGET_BASE).href);
      this.render(o.container || document.body);
      this.restoreTranscript();
      if (o.open || this.tab.getItem(this.keys.open) === "1") this.open({ focus: false });

      const ioReady = window.io
        ? Promise.resolve()
        : loadScript(o.socketIoUrl || new URL("vendor/socket.io.min.js", WIDGET_BASE).href);
      ioReady.then(
        () => this.connect(),
        (error) => {
          console.error("HKTAWidget:", error);
          this.setBanner(this.strings.unreachable, "error");
        },
      );
    }

    warnOnLowContrast() {
      const c = this.colors;
      const pairs = [
        ["primaryText", "primary", 4.5],
        ["text", "background", 4.5],
        ["botText", "botBubble", 4.5],
        ["link", "botBubble", 4.5],
        ["primary", "background", 3],
      ];
      for (const [fg, bg, needed] of pairs) {
        const ratio = contrast(c[fg], c[bg]);
        if (ratio !== null && ratio < needed) {
          console.warn(
            `HKTAWidget: colours.${fg} on colours.${bg} has contrast ${ratio.toFixed(2)}:1, ` +
              `below WCAG AA's ${needed}:1`,
          );
        }
      }
    }

    // ---- DOM ---------------------------------------------------------------------------------

    render(container) {
      const s = this.strings;
      const ids = {
        panel: this.id + "-panel",
        title: this.id + "-title",
        subtitle: this.id + "-subtitle",
        input: this.id + "-input",
        confirm: this.id + "-confirm",
        confirmText: this.id + "-confirm-text",
      };
      this.root = el("div", { class: "hkta", lang: this.language, "data-hkta": "" });
      for (const [name, value] of Object.entries(this.colors)) {
        this.root.style.setProperty("--hkta-" + name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()), value);
      }

      this.launcher = el(
        "button",
        {
          type: "button",
          class: "hkta-launcher",
          "aria-expanded": "false",
          "aria-controls": ids.panel,
          onclick: () => (this.isOpen() ? this.close() : this.open()),
        },
        el("span", { class: "hkta-launcher-icon", "aria-hidden": "true" }, chatIcon()),
        el("span", { class: "hkta-launcher-text", text: s.launcher }),
      );

      this.closeButton = el(
        "button",
        { type: "button", class: "hkta-icon-button", "aria-label": s.close, onclick: () => this.close() },
        el("span", { "aria-hidden": "true", text: "×" }),
      );
      this.restartButton = el("button", {
        type: "button",
        class: "hkta-text-button",
        "aria-label": s.restartLabel,
        "aria-expanded": "false",
        "aria-controls": ids.confirm,
        text: s.restart,
        onclick: () => this.askToRestart(),
      });

      // Asked inline, not in a modal: the chat stays readable and the choice is two buttons away by keyboard.
      this.confirmNo = el("button", {
        type: "button",
        class: "hkta-confirm-button",
        text: s.confirmRestartNo,
        onclick: () => this.closeRestartQuestion(),
      });
      this.confirmYes = el("button", {
        type: "button",
        class: "hkta-confirm-button hkta-confirm-yes",
        text: s.confirmRestartYes,
        onclick: () => {
          this.closeRestartQuestion({ focus: false });
          this.restart();
        },
      });
      this.confirm = el(
        "div",
        {
          id: ids.confirm,
          class: "hkta-confirm",
          role: "group",
          "aria-labelledby": ids.confirmText,
          hidden: true,
          onkeydown: (event) => {
            if (event.key === "Escape") {
              event.preventDefault();
              event.stopPropagation(); // Escape here cancels the question, not the whole chat
              this.closeRestartQuestion();
            }
          },
        },
        el("p", { id: ids.confirmText, class: "hkta-confirm-text", text: s.confirmRestart }),
        el("div", { class: "hkta-confirm-actions" }, this.confirmNo, this.confirmYes),
      );

      this.banner = el("div", { class: "hkta-banner", role: "status", "aria-live": "polite" });
      this.log = el("div", {
        class: "hkta-log",
        role: "log",
        "aria-live": "polite",
        "aria-relevant": "additions",
        "aria-label": s.log,
        tabindex: "0",
      });
      this.typing = el(
        "div",
        { class: "hkta-typing", role: "status", hidden: true },
        el("span", { class: "hkta-dots", "aria-hidden": "true" }, el("span"), el("span"), el("span")),
        el("span", { class: "hkta-visually-hidden", text: s.typing }),
      );

      this.input = el("textarea", {
        id: ids.input,
        class: "hkta-input",
        rows: "1",
        maxlength: "1000",
        autocomplete: "off",
        placeholder: s.placeholder,
        onkeydown: (event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
            event.preventDefault();
            this.form.requestSubmit();
          }
        },
        oninput: () => this.autosize(),
      });
      this.sendButton = el("button", { type: "submit", class: "hkta-send", text: s.send });
      this.form = el(
        "form",
        {
          class: "hkta-form",
          onsubmit: (event) => {
            event.preventDefault();
            const text = this.input.value.trim();
            if (!text) return;
            this.input.value = "";
            this.autosize();
            this.send(text, text);
          },
        },
        el("label", { for: ids.input, class: "hkta-visually-hidden", text: s.inputLabel }),
        this.input,
        this.sendButton,
      );

      this.panel = el(
        "section",
        {
          id: ids.panel,
          class: "hkta-panel",
          role: "dialog",
          "aria-labelledby": ids.title,
          "aria-describedby": ids.subtitle,
          hidden: true,
          onkeydown: (event) => {
            if (event.key === "Escape") {
              event.preventDefault();
              this.close();
            }
          },
        },
        el(
          "div",
          { class: "hkta-header" },
          el(
            "div",
            { class: "hkta-heading" },
            el("h2", { id: ids.title, class: "hkta-title", text: this.title }),
            el("p", { id: ids.subtitle, class: "hkta-subtitle", text: this.subtitle }),
          ),
          this.restartButton,
          this.closeButton,
        ),
        this.confirm,
        this.banner,
        this.log,
        this.typing,
        this.form,
      );

      this.root.append(this.panel, this.launcher);
      container.append(this.root);
    }

    autosize() {
      this.input.style.height = "auto";
      this.input.style.height = Math.min(this.input.scrollHeight, 120) + "px";
    }

    isOpen() {
      return !this.panel.hidden;
    }

    open({ focus = true } = {}) {
      this.panel.hidden = false;
      this.root.classList.add("hkta-is-open");
      this.launcher.setAttribute("aria-expanded", "true");
      this.tab.setItem(this.keys.open, "1");
      this.scrollToEnd();
      if (focus) this.input.focus();
      this.maybeGreet();
    }

    close() {
      this.panel.hidden = true;
      this.root.classList.remove("hkta-is-open");
      this.launcher.setAttribute("aria-expanded", "false");
      this.tab.setItem(this.keys.open, "0");
      this.launcher.focus();
    }

    scrollToEnd() {
      this.log.scrollTop = this.log.scrollHeight;
    }

    setBanner(text, kind) {
      this.banner.textContent = text || "";
      this.banner.dataset.kind = kind || "";
      this.banner.hidden = !text;
    }

    setTyping(on) {
      this.waiting = on;
      this.typing.hidden = !on;
      clearTimeout(this.replyTimer);
      if (on) {
        this.replyTimer = setTimeout(() => {
          this.setTyping(false);
          this.setBanner(this.strings.noReply, "warning");
        }, this.replyTimeoutMs);
      }
    }

    // ---- transcript ----------------------------------------------------------------------------

    readTranscript() {
      try {
        const items = JSON.parse(this.local.getItem(this.keys.transcript) || "[]");
        return Array.isArray(items) ? items : [];
      } catch (_) {
        return [];
      }
    }

    saveTranscript() {
      if (this.transcript.length > this.maxStored) this.transcript = this.transcript.slice(-this.maxStored);
      try {
        this.local.setItem(this.keys.transcript, JSON.stringify(this.transcript));
      } catch (_) {
        /* storage full or blocked: the conversation still works, it just won't survive a reload */
      }
    }

    restoreTranscript() {
      // Done while the panel is closed, or before the log is announced, so history is not re-read.
      this.transcript.forEach((item, index) => {
        this.log.append(this.renderItem(item, index === this.transcript.length - 1));
      });
    }

    add(item) {
      this.transcript.push(item);
      this.saveTranscript();
      this.clearQuickReplies();
      this.log.append(this.renderItem(item, true));
      this.scrollToEnd();
    }

    clearQuickReplies() {
      for (const group of this.log.querySelectorAll(".hkta-quick-replies")) group.remove();
    }

    renderItem(item, isLast) {
      if (item.from === "user") {
        return el(
          "div",
          { class: "hkta-message hkta-from-user" },
          el("span", { class: "hkta-visually-hidden", text: this.strings.you + ": " }),
          el("p", { class: "hkta-bubble", text: item.text }),
        );
      }
      const wrapper = el("div", { class: "hkta-message hkta-from-bot" });
      wrapper.append(el("span", { class: "hkta-visually-hidden", text: this.strings.bot + ": " }));
      if (item.kind === "assessment") {
        wrapper.append(this.renderAssessment(item.assessment || {}));
      } else if (item.kind === "image") {
        const src = safeHttpUrl(item.src);
        if (src) wrapper.append(el("img", { class: "hkta-image", src, alt: item.alt || "" }));
      } else {
        const bubble = el("p", { class: "hkta-bubble" });
        bubble.append(linkify(item.text || "", this.strings));
        wrapper.append(bubble);
      }
      if (isLast && Array.isArray(item.buttons) && item.buttons.length) {
        wrapper.append(this.renderQuickReplies(item.buttons));
      }
      return wrapper;
    }

    renderQuickReplies(buttons) {
      const group = el("div", { class: "hkta-quick-replies", role: "group", "aria-label": this.strings.suggested });
      for (const button of buttons) {
        const title = String(button.title || button.payload || "");
        const payload = String(button.payload || button.title || "");
        group.append(
          el("button", {
            type: "button",
            class: "hkta-quick-reply",
            text: title,
            onclick: () => {
              this.send(payload, title);
              this.input.focus(); // the buttons are gone with the answer: keep the keyboard in the chat
            },
          }),
        );
      }
      return group;
    }

    renderAssessment(assessment) {
      const s = this.strings;
      const headingId = `${this.id}-card-${Math.random().toString(36).slice(2, 9)}`;
      const card = el("article", { class: "hkta-card", "aria-labelledby": headingId });
      card.append(el("h3", { id: headingId, class: "hkta-card-title", text: s.card }));
      if (assessment.as_of) {
        card.append(el("p", { class: "hkta-muted", text: format(s.asOf, { date: assessment.as_of }) }));
      }

      const gpt = assessment.qmas && assessment.qmas.general_points_test;
      if (gpt && Array.isArray(gpt.criteria)) {
        const met = typeof gpt.met === "number" ? gpt.met : gpt.criteria.filter((c) => c.met).length;
        const passes = gpt.passes === undefined ? met >= gpt.threshold : Boolean(gpt.passes);
        card.append(
          el(
            "p",
            { class: "hkta-points" },
            el("span", { class: "hkta-points-icon", "aria-hidden": "true", text: passes ? "✓" : "•" }),
            format(s.points, { met, total: gpt.criteria.length, threshold: gpt.threshold }),
            " — ",
            el("strong", { text: passes ? s.pointsPass : s.pointsFail }),
          ),
        );
      }

      const schemes = Array.isArray(assessment.schemes) ? assessment.schemes.slice() : [];
      schemes.sort((a, b) => rank(a.status) - rank(b.status));
      const list = el("ul", { class: "hkta-schemes", "aria-label": format(s.statusSummary, { count: schemes.length }) });
      for (const scheme of schemes) list.append(this.renderScheme(scheme));
      card.append(list);
      // Routes we do not assess that may fit better (the TP Stream for someone without a degree).
      for (const route of Array.isArray(assessment.see_also) ? assessment.see_also : []) {
        card.append(el("p", { class: "hkta-see-also" }, linkify(String(route.text || ""), s)));
      }

      const notes = Array.isArray(assessment.notes) ? assessment.notes : [];
      if (notes.length) {
        const details = el("details", { class: "hkta-notes" }, el("summary", { text: s.notes }));
        details.append(listOf(notes, s));
        card.append(details);
      }
      if (assessment.disclaimer) {
        card.append(el("p", { class: "hkta-disclaimer" }, linkify(String(assessment.disclaimer), s)));
      }
      return card;
    }

    renderScheme(scheme) {
      const s = this.strings;
      const status = STATUS_ICON[scheme.status] ? scheme.status : "more_info_needed";
      const missing = scheme.missing_questions && scheme.missing_questions.length
        ? scheme.missing_questions
        : scheme.missing || [];
      // Open with nothing left to ask (only ImmD can settle it): "more information needed" would mislead.
      const wordsKey = status === "more_info_needed" && !missing.length ? "undecided" : status;
      const words = (s.status && s.status[wordsKey]) || status;
      const item = el("li", { class: `hkta-scheme hkta-status-${status}` });
      const details = el("details", { open: status === "eligible" || null });
      details.append(
        el(
          "summary",
          {},
          el(
            "span",
            { class: "hkta-status" },
            el("span", { class: "hkta-status-icon", "aria-hidden": "true", text: STATUS_ICON[status] }),
            el("span", { class: "hkta-status-words", text: words }),
          ),
          el("span", { class: "hkta-scheme-name", text: String(scheme.name || scheme.id || "") }),
        ),
      );
      const body = el("div", { class: "hkta-scheme-body" });
      const reasons = (scheme.reasons || []).map(cleanReason).filter(Boolean);
      if (reasons.length) body.append(el("h4", { text: s.reasons }), listOf(reasons, s));
      if (missing.length) body.append(el("h4", { text: s.missing }), listOf(missing.map(humanise), s));
      // Conditions the rules set that no answer here can settle (employer's quota, what income counts...).
      const caveats = status === "not_eligible" ? [] : scheme.caveats || [];
      if (caveats.length) body.append(el("h4", { text: s.caveats }), listOf(caveats, s));
      const steps = scheme.next_steps || [];
      if (steps.length) body.append(el("h4", { text: s.nextSteps }), listOf(steps, s));
      const url = safeHttpUrl(scheme.official_url || (scheme.sources || [])[0]);
      if (url) {
        const label = scheme.source_date ? format(s.sourceDated, { date: scheme.source_date }) : s.source;
        body.append(el("p", { class: "hkta-source" }, externalLink(url, label, s)));
      }
      details.append(body);
      item.append(details);
      return item;
    }

    // ---- socket.io -----------------------------------------------------------------------------

    connect() {
      this.setBanner(this.strings.connecting, "info");
      const socket = window.io(this.serverUrl, {
        path: this.socketPath,
        transports: ["websocket", "polling"],
        reconnection: true,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 10000,
      });
      this.socket = socket;
      socket.on("connect", () => {
        socket.emit("session_request", { session_id: this.local.getItem(this.keys.session) });
      });
      socket.on("session_confirm", (data) => {
        const id = typeof data === "string" ? data : data && data.session_id;
        if (!id) return;
        const stored = this.local.getItem(this.keys.session);
        if (stored && id !== stored) {
          // The server started a new conversation: the stored history belongs to the old one.
          this.transcript = [];
          this.saveTranscript();
          this.log.replaceChildren();
        }
        this.local.setItem(this.keys.session, id);
        this.sessionId = id;
        this.ready = true;
        const wasDown = this.everConnected;
        this.everConnected = true;
        this.setBanner(wasDown ? this.strings.back : "", "info");
        if (wasDown) setTimeout(() => this.banner.textContent === this.strings.back && this.setBanner(""), 3000);
        this.flush();
        this.maybeGreet();
      });
      socket.on("bot_uttered", (message) => this.receive(message));
      socket.on("disconnect", (reason) => {
        this.ready = false;
        if (reason !== "io client disconnect") this.setBanner(this.strings.lost, "error");
      });
      socket.on("connect_error", () => {
        this.ready = false;
        this.setBanner(this.everConnected ? this.strings.lost : this.strings.unreachable, "error");
      });
    }

    maybeGreet() {
      if (this.greeting && this.ready && this.isOpen() && this.transcript.length === 0 && !this.greeted) {
        this.greeted = true;
        this.emit(this.greeting);
        this.setTyping(true);
      }
    }

    emit(message) {
      if (this.ready && this.socket) {
        this.socket.emit("user_uttered", {
          message,
          session_id: this.sessionId,
          metadata: { language: this.language },
        });
      } else {
        this.queue.push(message);
      }
    }

    flush() {
      const pending = this.queue.splice(0);
      pending.forEach((message) => this.emit(message));
    }

    send(payload, shownText) {
      this.add({ from: "user", text: shownText, t: Date.now() });
      this.emit(payload);
      this.setTyping(true);
    }

    receive(message) {
      if (!message || typeof message !== "object") return;
      this.setTyping(false);
      if (this.banner.dataset.kind === "warning") this.setBanner("");
      const custom = message.custom || (message.type === "assessment" ? message : null);
      if (custom && custom.type === "assessment" && custom.assessment) {
        this.add({ from: "bot", kind: "assessment", assessment: custom.assessment, t: Date.now() });
        return;
      }
      if (message.attachment && message.attachment.type === "image" && message.attachment.payload) {
        this.add({ from: "bot", kind: "image", src: message.attachment.payload.src, t: Date.now() });
      }
      const buttons = (message.quick_replies || message.buttons || []).map((b) => ({
        title: b && b.title,
        payload: b && b.payload,
      }));
      if (typeof message.text === "string" && message.text) {
        this.add({ from: "bot", kind: "text", text: message.text, buttons, t: Date.now() });
      } else if (buttons.length) {
        this.add({ from: "bot", kind: "text", text: "", buttons, t: Date.now() });
      }
    }

    askToRestart() {
      if (this.transcript.length === 0) {
        this.restart(); // nothing to lose: no question
        return;
      }
      this.confirm.hidden = false;
      this.restartButton.setAttribute("aria-expanded", "true");
      this.confirmNo.focus(); // the safe choice first
    }

    closeRestartQuestion({ focus = true } = {}) {
      this.confirm.hidden = true;
      this.restartButton.setAttribute("aria-expanded", "false");
      if (focus) this.restartButton.focus();
    }

    restart() {
      this.transcript = [];
      this.saveTranscript();
      this.local.removeItem(this.keys.session);
      this.log.replaceChildren();
      this.greeted = false;
      this.sessionId = null;
      this.ready = false;
      if (this.socket) {
        this.socket.emit("session_request", { session_id: null });
      }
      this.input.focus();
    }

    destroy() {
      if (this.socket) this.socket.disconnect();
      this.root.remove();
    }
  }

  function rank(status) {
    const index = STATUS_ORDER.indexOf(status);
    return index === -1 ? STATUS_ORDER.length : index;
  }

  // "You are 18 or older. [qmas.prereq.age; S1, 2025-12-15]" -> "You are 18 or older."
  function cleanReason(reason) {
    return String(reason || "").replace(/\s*\[[\w.]+;[^\]]*\]\s*$/, "").trim();
  }

  function humanise(value) {
    const text = String(value || "");
    return /^[a-z0-9_]+$/.test(text) ? text.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase()) : text;
  }

  function listOf(items, strings) {
    const list = el("ul", { class: "hkta-list" });
    for (const item of items) {
      const li = el("li");
      li.append(linkify(String(item), strings));
      list.append(li);
    }
    return list;
  }

  function chatIcon() {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "22");
    svg.setAttribute("height", "22");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute(
      "d",
      "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z",
    );
    path.setAttribute("fill", "currentColor");
    svg.append(path);
    return svg;
  }

  window.HKTAWidget = {
    version: "0.1.0",
    init(options) {
      return new Widget(options);
    },
  };
})();
