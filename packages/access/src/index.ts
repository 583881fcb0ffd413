export { bearerMember, memberOfCredential } from './authenticate.ts';
export { isMemberEvent, projectMemberEvent, type MemberEvent } from './member-events.ts';
export { memberProjection, type AccessMember, type MemberProjection } from './member-projection.ts';
