/**
 * Pictures of dilation: ASCII for the terminal, SVG figures (pure, deterministic), PNG through resvg and GIF
 * animations through gifenc. Every function takes numbers in (from geometry or the analysis) and returns text or
 * bytes; none computes an analysis itself.
 */
export { formatRows, type FormatRowsOptions } from './ascii/labelled-rows.js';
export { kernelGrid, kernelGridPanel, KERNEL_GRID_LEGEND } from './ascii/kernel-grid.js';
export { coverageMap, coverageShade, COVERAGE_HOLE, COVERAGE_SHADES, type CoverageMapOptions } from './ascii/coverage-map.js';
export { lineChart, type LineChartOptions, type LineSeries } from './figures/line-chart.js';
export { effectiveKernelFigure, type EffectiveKernelFigureOptions } from './figures/effective-kernel.js';
export { receptiveFieldGrowthFigure, type ReceptiveFieldGrowthOptions, type ReceptiveFieldSeries } from './figures/rf-growth.js';
export { coverageHeatmapFigure, MAX_COVERAGE_SIDE, type CoverageHeatmapOptions } from './figures/coverage-heatmap.js';
export { erfHeatmapFigure, type ErfHeatmapOptions, type MassBox } from './figures/erf-heatmap.js';
export { imagePanelsFigure, type ImagePanel, type ImagePanelsOptions } from './figures/image-panels.js';
export { signalTracesFigure, type SignalTracesOptions } from './figures/signal-traces.js';
export { costBarsFigure, type CostBarsOptions, type CostItem } from './figures/cost-bars.js';
export { slidingKernelFrames, type SlidingKernelOptions } from './animations/sliding-kernel.js';
export { dilationGrowthFrames, type DilationGrowthOptions } from './animations/dilation-growth.js';
export { stackGrowthFrames, type StackGrowthOptions, type StackLayerCoverage } from './animations/stack-growth.js';
export { encodeGif, type AnimationFrame } from './gif.js';
export { svgToPng, svgToRgba, findFontFiles, FONT_INSTALL_HINT, type RgbaImage } from './raster.js';
export { OKABE_ITO, SERIES_COLOURS, viridis, pathCountColour, pathCountKey, PATH_COUNT_CLASSES } from './palette.js';
export { styleFigure, type FigureStyle } from './style.js';
export { svgToPdf, type PdfOptions } from './pdf.js';
