export interface TextPart {
  text: string
  /** Set for http(s) links and same-site paths like `/reset?token=…`. */
  href?: string
}

const LINK = /(https?:\/\/[^\s<>"']+|(?<![\w/])\/reset\?token=[^\s<>"']+)/g

/** Splits plain text into text and link parts (rendered as text nodes and anchors, no HTML). */
export function linkify(body: string): TextPart[] {
  const parts: TextPart[] = []
  let last = 0
  for (const match of body.matchAll(LINK)) {
    const start = match.index ?? 0
    if (start > last) parts.push({ text: body.slice(last, start) })
    const url = match[0].replace(/[.,;:!?)）。，]+$/u, '')
    parts.push({ text: url, href: url })
    last = start + url.length
  }
  if (last < body.length) parts.push({ text: body.slice(last) })
  return parts
}
