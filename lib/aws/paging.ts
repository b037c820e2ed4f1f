/**
 * Every page of a NextToken-paged call that the SDK has no paginator for (EventBridge's lists,
 * EC2 DescribeLockedSnapshots): `fetch` asks for the page after `token` (undefined: the first).
 * An empty or null token ends it, as the SDK's own paginators do.
 */
export async function* pagesOf<Page extends { NextToken?: string | null }>(
  fetch: (token: string | undefined) => Promise<Page>,
): AsyncGenerator<Page> {
  let token: string | undefined;
  do {
    const page = await fetch(token);
    yield page;
    token = page.NextToken || undefined;
  } while (token !== undefined);
}
