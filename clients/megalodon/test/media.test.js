// megalodon against a running Récolte: uploading an image, describing it,
// posting with it and finding it in the status and the timeline; creating
// a poll with a status, voting as another account, reading the counts, and
// the error of a second vote on a single-choice poll.
// Started by ../run, which provides RECOLTE_BASE and the accounts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BASE, register } from './session.js'

// A 1×1 PNG image.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64'
)

// Accounts of their own: the other files' timelines stay as they expect.
const accounts = Promise.all([register('amelie'), register('bruno')])

test('upload an image, describe it, post with it', async () => {
  const [alice] = await accounts
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'recolte-')), 'haie.png')
  fs.writeFileSync(file, PNG)

  const uploaded = await alice.client.uploadMedia(fs.createReadStream(file), { description: 'Une haie' })
  assert.equal(uploaded.data.type, 'image')
  assert.ok(uploaded.data.url.startsWith(`${BASE}/media/`))
  assert.equal(uploaded.data.meta.original.width, 1)
  const described = await alice.client.updateMedia(uploaded.data.id, { description: 'Une haie bocagère' })
  assert.equal(described.data.description, 'Une haie bocagère')
  const read = await alice.client.getMedia(uploaded.data.id)
  assert.equal(read.data.description, 'Une haie bocagère')

  const image = await fetch(uploaded.data.url)
  assert.equal(image.headers.get('content-type'), 'image/png')
  assert.deepEqual(Buffer.from(await image.arrayBuffer()), PNG)

  const post = await alice.client.postStatus('Plantation de haies', { media_ids: [uploaded.data.id] })
  assert.deepEqual(post.data.media_attachments.map(m => m.id), [uploaded.data.id])
  assert.equal(post.data.media_attachments[0].description, 'Une haie bocagère')
  const home = await alice.client.getHomeTimeline()
  const shown = home.data.find(s => s.id === post.data.id)
  assert.equal(shown.media_attachments[0].url, uploaded.data.url)

  // Not an image: refused, whatever the file is called.
  const fake = path.join(path.dirname(file), 'fake.png')
  fs.writeFileSync(fake, '<svg xmlns="http://www.w3.org/2000/svg"/>')
  await assert.rejects(alice.client.uploadMedia(fs.createReadStream(fake)), e => e.response?.status === 422)
})

test('create a poll, vote as another account, read the counts', async () => {
  const [alice, bob] = await accounts

  const post = await alice.client.postStatus('Quel jour pour la sortie ?', {
    poll: { options: ['Samedi', 'Dimanche'], expires_in: 86400, multiple: false }
  })
  const poll = post.data.poll
  assert.deepEqual(poll.options.map(o => o.title), ['Samedi', 'Dimanche'])
  assert.equal(poll.multiple, false)

  const voted = await bob.client.votePoll(poll.id, [1])
  assert.equal(voted.data.voted, true)
  assert.deepEqual(voted.data.own_votes, [1])
  assert.equal(voted.data.votes_count, 1)

  const read = await alice.client.getPoll(poll.id)
  assert.equal(read.data.options[1].votes_count, 1)
  assert.equal(read.data.voted, false)
  const status = await bob.client.getStatus(post.data.id)
  assert.deepEqual(status.data.poll.own_votes, [1])

  // A second vote on a single-choice poll: 422 with Mastodon's message.
  await assert.rejects(bob.client.votePoll(poll.id, [0]), e =>
    e.response?.status === 422 && /already voted/.test(e.response.data.error))
})
