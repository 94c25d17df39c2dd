// xlpkg serve: the page's behaviour. Every value from the server is put in with
// textContent, never as HTML. The server formats all figures; this file only lays
// them out.
"use strict";

(function () {
  const token = new URLSearchParams(location.search).get("token") || "";
  const MAX_BYTES = 50 * 1024 * 1024;
  const SEVERITIES = [["error", "错误"], ["warning", "警告"], ["info", "提示"]];
  const $ = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function show(which) {
    for (const id of ["progress", "error", "result"]) $(id).hidden = !which.includes(id);
    $("drop").classList.toggle("compact", which.includes("result"));
    $("steps").hidden = which.includes("result");
  }

  function progress(text, fraction) {
    show(["progress"]);
    $("progress-text").textContent = text;
    const bar = $("bar-fill").parentElement;
    bar.classList.toggle("busy", fraction === null);
    $("bar-fill").style.width = fraction === null ? "" : Math.round(fraction * 100) + "%";
  }

  function fail(message, hint) {
    show(["error"]);
    $("error-message").textContent = message;
    $("error-hint").textContent = hint ? "提示：" + hint : "";
  }

  function send(file) {
    if (!file) return;
    if (file.size > MAX_BYTES) {
      fail("“" + file.name + "”太大：本页面最多接收 50 MB 的文件。", "请确认选择的是本单位的自评工作簿。");
      return;
    }
    const form = new FormData();
    form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/evaluate");
    xhr.setRequestHeader("X-Xlpkg-Token", token);
    xhr.responseType = "text";
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) progress("正在读取“" + file.name + "”… " + Math.round(100 * e.loaded / e.total) + "%", e.loaded / e.total);
    };
    xhr.upload.onload = () => progress("正在校验数据、计算自评表…", null);
    xhr.onerror = () => fail("无法连接本机服务：xlpkg serve 可能已经停止。", "请重新启动 xlpkg serve，再用它显示的地址打开本页面。");
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 200 && body) render(body);
      else if (body && body.error) fail(body.error, body.hint);
      else fail(xhr.responseText || "处理失败（" + xhr.status + "）", null);
    };
    progress("正在读取“" + file.name + "”…", 0);
    xhr.send(form);
  }

  // ------------------------------------------------------------ results

  function render(r) {
    const dept = r.department || "（未填单位名称）";
    $("dept").textContent = r.year ? dept + " " + r.year + " 年度" : dept;
    $("meta").textContent = "文件：" + r.file;
    $("findings-lead").textContent = r.kind === "workbook"
      ? "每一条都写明了要核对的单元格（工作表!单元格），请在工作簿中改正后保存，再重新拖入。"
      : "数据文件没有单元格：每一条写明了要核对的数据项，请在数据文件中改正后重新拖入。";
    renderCounts(r);
    renderDownloads(r.downloads);
    renderFindings(r.findings);
    renderScoresheet(r.scoresheet_view);
    renderGaps(r.gaps);
    show(["result"]);
    document.title = dept + " · 部门整体支出绩效自评";
  }

  function renderCounts(r) {
    const box = $("counts");
    box.replaceChildren();
    for (const [key, label] of SEVERITIES) {
      box.append(el("div", { class: "count " + key }, el("b", {}, r.counts[key]), el("span", {}, label)));
    }
    if (Array.isArray(r.gaps)) {
      box.append(el("div", { class: "count gap" }, el("b", {}, r.gaps.length), el("span", {}, "处待补充")));
    }
  }

  const DOWNLOADS = [
    ["report", "下载自评报告", "Word"],
    ["tables", "下载报送表格", "Excel"],
    ["findings", "下载校验结果", "Excel"],
  ];

  function renderDownloads(links) {
    const box = $("downloads");
    box.replaceChildren();
    for (const [key, label, kind] of DOWNLOADS) {
      if (!links[key]) continue;
      box.append(el("a", { class: key === "report" ? "button primary" : "button", href: links[key],
        "data-download": key }, label, el("span", { class: "ext" }, "（" + kind + "）")));
    }
  }

  function renderFindings(findings) {
    const box = $("findings");
    box.replaceChildren();
    if (!findings.length) {
      box.append(el("p", { class: "none" }, "未发现问题。"));
      return;
    }
    for (const [key, label] of SEVERITIES) {
      const group = findings.filter((f) => f.severity === key);
      if (!group.length) continue;
      const list = el("ol", { class: "findings" });
      for (const f of group) {
        const places = el("div", { class: "places" }, f.places_kind === "cells" ? "单元格" : "数据项");
        for (const p of f.places) places.append(el("span", { class: "cell" }, p));
        list.append(el("li", { class: "finding " + key, "data-code": f.code },
          el("p", {}, f.message), f.places.length ? places : null));
      }
      box.append(el("div", { class: "group", "data-severity": key },
        el("h3", {}, el("span", { class: "tag " + key }, label), group.length + " 条"), list));
    }
  }

  function scoreCell(row) {
    if (row.score === null || row.pending) return el("span", { class: "pending" }, "待评分");
    return row.score;
  }

  function renderScoresheet(s) {
    const table = $("scoresheet");
    table.replaceChildren();
    $("score-rules").textContent = s.rules_name ? "评分规则：" + s.rules_name : "";
    const head = el("tr", {});
    for (const h of ["一级指标", "二级指标", "三级指标", "分值", "指标值", "得分", "说明"]) head.append(el("th", {}, h));
    table.append(el("thead", {}, head));
    const body = el("tbody", {});
    const rows = s.rows;
    rows.forEach((row, i) => {
      const tr = el("tr", {});
      // one merged cell per 一级指标, and per 二级指标 within it, as the printed form
      if (i === 0 || rows[i - 1].level1 !== row.level1) {
        tr.append(el("td", { class: "group", rowspan: span(rows, i, (r) => r.level1) }, row.level1));
      }
      if (i === 0 || rows[i - 1].level1 !== row.level1 || rows[i - 1].level2 !== row.level2) {
        tr.append(el("td", { class: "group", rowspan: span(rows, i, (r) => r.level1 + "\u0000" + r.level2) }, row.level2));
      }
      tr.append(el("td", {}, row.name), el("td", { class: "num" }, row.weight),
        el("td", { class: "num" }, row.value), el("td", { class: "num" }, scoreCell(row)),
        el("td", { class: "note" }, row.note || ""));
      body.append(tr);
    });
    const open = s.pending.length > 0 || s.total === null;
    body.append(el("tr", { class: "total" }, el("td", { colspan: "3" }, "合计"),
      el("td", { class: "num" }, s.total_weight), el("td", {}),
      el("td", { class: "num" }, open ? el("span", { class: "pending" }, "待评分") : s.total), el("td", {})));
    table.append(body);
    const total = $("score-total");
    total.classList.toggle("open", open);
    total.textContent = open
      ? "还有 " + s.pending.length + " 项指标待评分（" + s.pending.join("、") + "），评完后才有总分和等级。"
      : "总分 " + s.total + " 分，等级：" + s.grade;
  }

  function span(rows, start, key) {
    let n = 1;
    while (start + n < rows.length && key(rows[start + n]) === key(rows[start])) n++;
    return String(n);
  }

  function renderGaps(gaps) {
    const card = $("gaps-card");
    card.hidden = !Array.isArray(gaps);
    if (!Array.isArray(gaps)) return;
    const list = $("gaps");
    list.replaceChildren();
    if (!gaps.length) list.append(el("li", {}, "报告中没有待补充的内容。"));
    for (const g of gaps) list.append(el("li", {}, el("span", { class: "section" }, g.section), g.text));
  }

  // ------------------------------------------------------------ choosing a file

  function init() {
    const drop = $("drop"), input = $("file");
    if (!token) fail("地址中缺少访问口令。", "请使用 xlpkg serve 启动时显示的完整地址打开本页面。");
    input.addEventListener("change", () => { send(input.files[0]); input.value = ""; });
    drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") input.click(); });
    // a file dropped anywhere is taken, never opened by the browser in place of the page
    for (const type of ["dragenter", "dragover"]) {
      document.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add("over"); });
    }
    document.addEventListener("dragleave", (e) => { if (!e.relatedTarget) drop.classList.remove("over"); });
    document.addEventListener("drop", (e) => {
      e.preventDefault();
      drop.classList.remove("over");
      const files = e.dataTransfer && e.dataTransfer.files;
      if (files && files.length > 1) fail("一次只能处理一个文件，请只拖入一个工作簿。", null);
      else if (files && files.length) send(files[0]);
    });
  }

  document.addEventListener("DOMContentLoaded", init);
})();
