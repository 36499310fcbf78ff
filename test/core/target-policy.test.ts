import t from 'tap'
import { addressKind, isLoopbackHost, TargetPolicy } from '../../src/core/target-policy.js'

t.test('classifies addresses by range, reading the IPv4 an IPv6 address carries', async (t) => {
  const cases: [string, string][] = [
    ['8.8.8.8', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fd00:ec2::254', 'link-local'],
    ['100.100.100.200', 'link-local'],
    ['10.255.255.255', 'private'],
    ['172.31.0.1', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['100.128.0.0', 'public'],
    ['fd12:3456::1', 'private'],
    ['127.255.0.1', 'loopback'],
    ['0.0.0.0', 'loopback'],
    ['::1', 'loopback'],
    ['::', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::808:808', 'public'],
    ['::10.0.0.1', 'private'],
    ['224.0.0.1', 'not-unicast'],
    ['255.255.255.255', 'not-unicast'],
    ['ff02::1', 'not-unicast'],
  ]
  for (const [address, kind] of cases) t.equal(addressKind(address), kind, address)
  t.throws(() => addressKind('example.com'))
})

t.test('only 127/8, ::1 and localhost are loopback listen addresses', async (t) => {
  for (const host of ['127.0.0.1', '127.0.0.2', '::1', '[::1]', 'localhost', 'LOCALHOST']) t.ok(isLoopbackHost(host), host)
  for (const host of ['0.0.0.0', '::', '192.168.1.5', 'my-host', '10.0.0.1']) t.notOk(isLoopbackHost(host), host)
})

t.test('the lookup hands the connection exactly the checked addresses, all or one as asked', async (t) => {
  const policy = new TargetPolicy({ exposed: true, allowPrivate: false, resolve: async () => [{ address: '93.184.215.14', family: 4 }, { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 }] })
  const one = await new Promise<unknown[]>((resolve) => policy.lookup('example.test', { family: 6 }, (...args) => resolve(args)))
  t.same(one, [null, '2606:2800:21f:cb07:6820:80da:af6b:8b2c', 6])
  const all = await new Promise<unknown[]>((resolve) => policy.lookup('example.test', { all: true }, (...args) => resolve(args)))
  t.same(all[1], [{ address: '93.184.215.14', family: 4 }, { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 }])
  const mixed = new TargetPolicy({ exposed: true, allowPrivate: false, resolve: async () => [{ address: '93.184.215.14', family: 4 }, { address: '10.0.0.1', family: 4 }] })
  const refused = await new Promise<unknown[]>((resolve) => mixed.lookup('mixed.test', { all: true }, (...args) => resolve(args)))
  t.match(refused[0], { name: 'TargetRefusedError', message: 'Refused by the target policy: mixed.test resolves to a private address; a server listening beyond loopback sends there only with WEBHOOK_ALLOW_PRIVATE=true' }, 'one private address among public ones refuses the name')
})
