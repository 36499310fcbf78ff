import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { PassportError } from '../core/errors.js'
import type { Principal } from '../core/principal.js'
import { grants, type Scope } from '../core/scopes.js'
import type { TokensService } from '../resources/tokens/tokens.service.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route requires (CONTRACT §3). */
    scope?: Scope
    /** True for the one route that authenticates by client credentials instead of a bearer token. */
    public?: boolean
  }
  interface FastifyRequest {
    principal: Principal | null
  }
}

/**
 * Bearer authentication and the route's scope, before the body is parsed (CONTRACT §2 order:
 * 401 comes before 400/413/415). Registered inside the `/v1` context only.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, { tokens }: { tokens: TokensService }) => {
    app.decorateRequest('principal', null)
    app.addHook('onRequest', (request, _reply, done) => {
      const { scope, public: isPublic } = request.routeOptions.config
      if (isPublic) return done()
      try {
        if (!scope) throw new Error(`route ${request.routeOptions.url} declares no scope`)
        const principal = tokens.authenticate(request.headers.authorization)
        if (!grants(principal.scopes, scope)) throw new PassportError('insufficient_scope')
        request.principal = principal
      } catch (error) {
        return done(error as Error)
      }
      done()
    })
  },
  { name: 'auth', dependencies: ['error-handler'] },
)

/** The caller of a route behind `authPlugin`. */
export function principalOf(request: { principal: Principal | null }): Principal {
  if (!request.principal) throw new Error('no principal: the route is not behind the auth plugin')
  return request.principal
}
