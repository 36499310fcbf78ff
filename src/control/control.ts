import type { FastifyInstance } from 'fastify'
import { PassportError } from '../core/errors.js'
import type { Services } from '../services.js'
import { clockRoutes } from './clock/clock.routes.js'
import { faultsRoutes } from './faults/faults.routes.js'
import { healthRoutes } from './health/health.routes.js'
import { journalRoutes } from './journal/journal.routes.js'
import { paymentAuthorizationRoutes } from './payment-authorization/payment-authorization.routes.js'
import { paymentsControlRoutes } from './payments/payments-control.routes.js'
import { scenarioRoutes } from './scenario/scenario.routes.js'
import { simulationsRoutes } from './simulations/simulations.routes.js'
import { stateRoutes } from './state/state.routes.js'
import { uiRoutes } from './ui/ui.routes.js'
import { viewsRoutes } from './views/views.routes.js'
import { webhooksRoutes } from './webhooks/webhooks.routes.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A control route that needs no admin token (health, the console's files). */
    adminExempt?: boolean
  }
}

/**
 * The control plane, `/_mock` (CONTRACT §5), in its own Fastify context (STYLE rule 11): no
 * auth, fault or journal hook of `/v1` reaches it. With `MOCK_ADMIN_TOKEN` set, every route but
 * the exempt ones needs `X-Mock-Admin-Token`, compared in constant time.
 */
export async function controlPlane(app: FastifyInstance, { services }: { services: Services }) {
  const adminToken = services.config.mockAdminToken
  if (adminToken !== undefined) {
    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.config.adminExempt) return
      const given = request.headers['x-mock-admin-token']
      if (given === undefined) throw new PassportError('admin_token_required')
      if (Array.isArray(given) || !services.compareSecrets(given, adminToken)) throw new PassportError('invalid_admin_token')
    })
  }
  await app.register(healthRoutes)
  await app.register(stateRoutes, { services })
  await app.register(webhooksRoutes, { services })
  await app.register(paymentsControlRoutes, { services })
  await app.register(paymentAuthorizationRoutes, { services })
  await app.register(faultsRoutes, { services })
  await app.register(clockRoutes, { services })
  await app.register(scenarioRoutes, { services })
  await app.register(journalRoutes, { services })
  await app.register(viewsRoutes, { services })
  await app.register(simulationsRoutes, { services })
  await app.register(uiRoutes)
}
