import { DomainError } from '../domain/errors';
import type { ApiRequest } from './request';

export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler<Ctx> = (request: ApiRequest, params: Record<string, string>, ctx: Ctx) => Promise<ApiResponse>;

interface Route<Ctx> {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler<Ctx>;
}

/** A small path router: `/invoices/:id/events` style patterns, 404 and 405 as problem errors. */
export class Router<Ctx> {
  private readonly routes: Route<Ctx>[] = [];

  on(method: string, path: string, handler: RouteHandler<Ctx>): this {
    const names: string[] = [];
    const pattern = new RegExp(
      '^' +
        path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
          names.push(name);
          return '([^/]+)';
        }) +
        '/?$',
    );
    this.routes.push({ method, pattern, names, handler });
    return this;
  }

  get paths(): { method: string; pattern: RegExp }[] {
    return this.routes.map(({ method, pattern }) => ({ method, pattern }));
  }

  async handle(request: ApiRequest, ctx: Ctx): Promise<ApiResponse> {
    const matching = this.routes.filter((route) => route.pattern.test(request.path));
    if (matching.length === 0) throw new DomainError('not_found', `No API route ${request.method} ${request.path}.`);
    const route = matching.find((r) => r.method === request.method);
    if (!route) {
      throw new DomainError('invalid_request', `${request.method} is not allowed here; use ${matching.map((r) => r.method).join(' or ')}.`);
    }
    const values = route.pattern.exec(request.path)!.slice(1);
    const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(values[i]!)]));
    return route.handler(request, params, ctx);
  }
}
