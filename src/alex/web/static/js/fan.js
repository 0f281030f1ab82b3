// The retirement fan chart, drawn with Plotly directly: the 5th–95th and 25th–75th percentile
// bands shaded around the median, with a fresh layout each time (years on a numeric x axis).
// Input: the charts-payload fan format ({series: [{key, name, color}], data: [{name, year?, p5, …}]}).

const BANDS = [
  ["p5", "p95", "rgba(32, 157, 215, 0.15)"],
  ["p25", "p75", "rgba(32, 157, 215, 0.3)"],
];

function layout() {
  return {
    margin: { t: 10, r: 10, b: 40, l: 60 },
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { family: "system-ui, sans-serif", size: 13 },
    showlegend: true,
    legend: { orientation: "h", y: -0.15, yanchor: "top" },
    hovermode: "x unified",
    xaxis: { type: "linear", automargin: true, ticksuffix: " y" },
    yaxis: { tickprefix: "$", tickformat: ",.0f", type: "linear", rangemode: "tozero", automargin: true },
  };
}

/** Draw (or redraw, via Plotly.react) a fan chart into element. */
export function drawFan(element, chart) {
  if (!window.Plotly || !chart?.data?.length) {
    element.textContent = "No projection to chart.";
    return;
  }
  const x = chart.data.map((p, index) => p.year ?? index);
  const names = Object.fromEntries((chart.series ?? []).map((s) => [s.key, s]));
  const line = (key, extra) => ({
    type: "scatter",
    mode: "lines",
    x,
    y: chart.data.map((p) => p[key]),
    name: names[key]?.name ?? key,
    line: { width: key === "p50" ? 3 : 1, color: names[key]?.color },
    hovertemplate: "$%{y:,.0f}",
    ...extra,
  });
  const traces = [];
  for (const [low, high, fill] of BANDS) {
    if (!(low in names) || !(high in names)) continue;
    traces.push(line(low), line(high, { fill: "tonexty", fillcolor: fill }));
  }
  traces.push(line("p50"));
  window.Plotly.react(element, traces, layout(), { displayModeBar: false, responsive: true });
}
