// The demo page's widget: options from config.js (written by scripts/web_server.py) over the defaults.
window.hktaWidget = HKTAWidget.init(
  Object.assign({ title: "HK Talent Visa Assistant", language: "en" }, window.HKTA_CONFIG || {}),
);
