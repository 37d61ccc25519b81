import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import type { Role } from './api.ts';
import { session } from './api.ts';

/** Each page, the roles that see it (the API checks every call again) and its menu title. */
export const pages: (RouteRecordRaw & { meta: { title: string; roles: Role[]; menu?: boolean } })[] = [
  {
    path: '/dashboard',
    component: () => import('./pages/Dashboard.vue'),
    meta: { title: '基金看板', roles: ['staff', 'regulator'], menu: true },
  },
  { path: '/members', component: () => import('./pages/Members.vue'), meta: { title: '参保人查询', roles: ['staff'], menu: true } },
  { path: '/members/:memberId', component: () => import('./pages/MemberRecord.vue'), meta: { title: '参保档案', roles: ['staff'] } },
  {
    path: '/claims',
    component: () => import('./pages/Claims.vue'),
    meta: { title: '结算查询', roles: ['staff', 'regulator', 'provider'], menu: true },
  },
  {
    path: '/claims/:providerCode/:claimNo',
    component: () => import('./pages/Statement.vue'),
    meta: { title: '结算单', roles: ['staff', 'regulator', 'provider'] },
  },
  {
    path: '/policies',
    component: () => import('./pages/Policies.vue'),
    meta: { title: '政策版本', roles: ['staff', 'regulator'], menu: true },
  },
  {
    path: '/long-term-care',
    component: () => import('./pages/LongTermCare.vue'),
    meta: { title: '长期护理保险', roles: ['staff', 'regulator'], menu: true },
  },
  { path: '/maternity', component: () => import('./pages/Maternity.vue'), meta: { title: '生育保险', roles: ['staff'], menu: true } },
  { path: '/runs', component: () => import('./pages/Runs.vue'), meta: { title: '预算与清算', roles: ['staff'], menu: true } },
  { path: '/alerts', component: () => import('./pages/Alerts.vue'), meta: { title: '预警工作台', roles: ['regulator'], menu: true } },
  { path: '/risk', component: () => import('./pages/Risk.vue'), meta: { title: '风险分析', roles: ['regulator'], menu: true } },
  {
    path: '/subscriptions',
    component: () => import('./pages/Subscriptions.vue'),
    meta: { title: '预警订阅', roles: ['regulator'], menu: true },
  },
  {
    path: '/pre-group',
    component: () => import('./pages/PreGroup.vue'),
    meta: { title: 'DRG 预分组', roles: ['provider', 'staff'], menu: true },
  },
  { path: '/funds', component: () => import('./pages/ProviderFunds.vue'), meta: { title: '预拨与清算', roles: ['provider'], menu: true } },
];

export const homeOf = (role: Role): string => (role === 'provider' ? '/claims' : role === 'regulator' ? '/alerts' : '/dashboard');

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: '/sign-in', component: () => import('./pages/SignIn.vue'), meta: { title: '登录', roles: [] } },
    ...pages,
    { path: '/:rest(.*)*', redirect: () => (session.principal ? homeOf(session.principal.role) : '/sign-in') },
  ],
});

router.beforeEach((to) => {
  if (to.path === '/sign-in') return true;
  if (!session.principal) return { path: '/sign-in', query: { next: to.fullPath } };
  const roles = (to.meta.roles ?? []) as Role[];
  if (roles.length && !roles.includes(session.principal.role)) return homeOf(session.principal.role);
  return true;
});
router.afterEach((to) => {
  document.title = `${(to.meta.title as string | undefined) ?? ''} · 医保经办与监管控制台`;
});
