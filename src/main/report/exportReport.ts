// One entry for every export format, used by the workbench and `lockstep report`.
import type { ReportFormat } from '../../shared/api';
import { renderAnnotatedMarkdown } from './annotatedMarkdown';
import { renderHtmlReport } from './htmlReport';
import { renderJsonReport } from './jsonReport';
import { assertEncodable, renderReferenceReport } from './referenceMarkdown';
import type { ReportContext } from './reportContext';

export function renderReport(format: ReportFormat, ctx: ReportContext): string {
  switch (format) {
    case 'reference-md': {
      const text = renderReferenceReport(ctx.result);
      assertEncodable(text); // the same bytes `lockstep diff` writes, or the same failure
      return text;
    }
    case 'annotated-md':
      return renderAnnotatedMarkdown(ctx);
    case 'html':
      return renderHtmlReport(ctx);
    case 'json':
      return renderJsonReport(ctx);
  }
}
