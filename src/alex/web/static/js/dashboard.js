import { drawCharts, pageData } from "./common.js";

const draw = () => drawCharts(pageData("charts-data"));
if (window.Plotly) draw();
else window.addEventListener("load", draw);
