// Render every Vega-Lite chart on the page: an element with data-vega-lite="<id>" gets the
// specification from the JSON script with that id (Django's json_script).
//
// The Content Security Policy forbids eval, so Vega interprets its expressions from their
// syntax trees (vega-interpreter) instead of compiling them to functions; vega-embed must not
// inject its <style> (defaultStyle: false) nor a tooltip style (tooltip: false), and shows no
// export menu. The table beside each chart carries the same facts without JavaScript.
import { expressionInterpreter } from "vega-interpreter";

const options = {
  mode: "vega-lite",
  renderer: "svg",
  actions: false,
  defaultStyle: false,
  tooltip: false,
  ast: true,
  expr: expressionInterpreter,
};

for (const element of document.querySelectorAll("[data-vega-lite]")) {
  const source = document.getElementById(element.dataset.vegaLite);
  if (source === null) {
    continue;
  }
  window
    .vegaEmbed(element, JSON.parse(source.textContent), options)
    .then(() => element.classList.add("ra-chart__canvas--rendered"))
    .catch((error) => console.error(error));
}
