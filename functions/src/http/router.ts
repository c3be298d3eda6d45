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

/** A request matched to its route, its path parameters percent-decoded. */
export interface RouteMatch<Ctx> {
  /** The route's pattern, e.g. `/pay/:token/transactions`. */
  route: string;
  params: Record<string, string>;
  run: (ctx: Ctx) => Promise<ApiResponse>;
}

const noSuchRoute = (request: ApiRequest) => new DomainError('not_found', `No API route ${request.method} ${request.path.slice(0, 200)}.`);

/**
 * A decoded path parameter that can name no stored document: a slash, `.` or `..` would change
 * the document path, Firestore reserves `__…__` ids, a lone surrogate or control character cannot
 * be encoded, and no id of ours is longer than 256 characters. Such a parameter is a 404 here,
 * before any handler passes it to Firestore.
 */
function isPlausibleId(value: string): boolean {
  return (
    value.length > 0 &&
    value.length <= 256 &&
    !value.includes('/') &&
    value !== '.' &&
    value !== '..' &&
    !/^__.*__$/.test(value) &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f]|[\ud800-\udfff]/u.test(value)
  );
}

/** A small path router: `/invoices/:id/events` style patterns; unknown paths 404, other methods 405. */
export class Router<Ctx> {
  private readonly routes: (Route<Ctx> & { path: string })[] = [];

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
    this.routes.push({ method, pattern, names, handler, path });
    return this;
  }

  get paths(): { method: string; pattern: RegExp; path: string }[] {
    return this.routes.map(({ method, pattern, path }) => ({ method, pattern, path }));
  }

  /** Finds the route for a request, or throws the 404 / 405 problem. */
  match(request: ApiRequest): RouteMatch<Ctx> {
    const matching = this.routes.filter((route) => route.pattern.test(request.path));
    if (matching.length === 0) throw noSuchRoute(request);
    const route = matching.find((r) => r.method === request.method);
    if (!route) {
      const allowed = [...new Set(matching.map((r) => r.method))];
      throw new DomainError('method_not_allowed', `${request.method} is not allowed here; use ${allowed.join(' or ')}.`, { allowedMethods: allowed });
    }
    const values = route.pattern.exec(request.path)!.slice(1);
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      let value: string;
      try {
        value = decodeURIComponent(values[i]!);
      } catch {
        throw new DomainError('invalid_request', `The path segment for ${name} is not valid percent-encoded UTF-8.`, {
          errors: [{ field: `(path).${name}`, code: 'invalid_format', message: 'Not valid percent-encoding.' }],
        });
      }
      if (!isPlausibleId(value)) throw new DomainError('not_found', `No ${name} has this id.`);
      params[name] = value;
    });
    return { route: route.path, params, run: (ctx) => route.handler(request, params, ctx) };
  }

  async handle(request: ApiRequest, ctx: Ctx): Promise<ApiResponse> {
    return this.match(request).run(ctx);
  }
}
