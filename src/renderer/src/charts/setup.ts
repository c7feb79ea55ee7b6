/** Registers the Chart.js parts the dashboard uses, once (tree-shaken build, no `chart.js/auto`). */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { overlayPlugin } from './overlays';

let registered = false;

/** Registers controllers, scales, elements, the zoom plugin and the overlays (idempotent). */
export function registerChartParts(): void {
  if (registered) return;
  registered = true;
  Chart.register(
    BarController,
    BarElement,
    LineController,
    LineElement,
    PointElement,
    ScatterController,
    LinearScale,
    CategoryScale,
    Tooltip,
    Legend,
    zoomPlugin,
    overlayPlugin,
  );
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", sans-serif';
}

export { Chart };
